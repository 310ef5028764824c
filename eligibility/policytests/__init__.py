"""Policy test cases that legal staff write: `policies/<name>.tests.yaml` beside each policy.

    source    YAML text → values that remember their file:line:column (the only PyYAML import)
    load      test file → Suite of PolicyCase (applicant validated, expectations checked)
    run       PolicyCase → CaseRun: evaluate, then `compare` each expected programme
    coverage  which articles cited by rules the cases exercise
    report    text and JSON reports; commands: the `test` and `coverage` subcommands

The format and the commands are described in docs/policy-tests.md.
"""
