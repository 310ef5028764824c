"""The audit trail: every recorded decision kept with its inputs and proof in a tamper-evident,
replayable SQLite log (docs/audit-log.md).

One module per job: `entry` (canonical JSON and the hash chain), `store` (the SQLite file),
`record` (what `check --record` and a round store), `shape` (an entry's content checked before
it is read), `verify`, `checkpoint` (the signed head), `replay`, `browse` (`audit list` and
`audit show`), `cli` (the `eligibility audit` commands) and `errors` (their exit codes).
Nothing here is imported by a `check` without `--record`.
"""
