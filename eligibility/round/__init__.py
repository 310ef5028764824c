"""Funding rounds: many applicants' decisions, and what only the round can answer (pools,
quotas and selections, records claimed twice). See docs/round-semantics.md."""
