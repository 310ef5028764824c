"""eligibility: a declarative eligibility checker for public funding policies.

Policy text (grammar/policy.lark) → syntax tree → policy IR → Datalog program → pyDatalog →
decision with a proof tree. See docs/architecture.md.
"""

__version__ = "0.1.0"
