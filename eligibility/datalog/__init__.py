"""Policy IR → a Datalog program as plain data, and its evaluation; stage 3 of the pipeline.

    program  the contract with any backend: Rule, Aggregate, Atom, … and GroundFact, frozen
    terms    predicate names (h_, f_, p_, r_, v_, u_, …), the result/4 read-out, literals
    from_ir  ir.Policy → Program: programmes, expressions, amounts, and the gates alone
    records  record sets → rules: three-valued filters, members, undecided records, per-record
             values
    facts    facts.ApplicantFacts → GroundFacts (years, context and regions computed here)
    engine   Program + GroundFacts → Model with pyDatalog (the only module that imports it)

The encoding, its predicates and pyDatalog's traps are described in docs/architecture.md.
"""
