"""The engine's Model → a decision with its proof tree; stage 4 of the pipeline. Nothing here
decides anything the model did not derive.

    proof       the decision as plain data: Decision, ProgrammeResult, ProofNode, AmountProof
    from_model  Model → ProgrammeResult, node by node of the policy's condition tree
    amount      the award as a computation an auditor can re-do: steps, caps, one rounding
    display     how values read in an explanation (money, counts, rates, lists)
    reference   an independent evaluator of the IR in plain Python: the test oracle that must
                produce the engine's Model exactly; not used by `check`

The published form is described in docs/decision-format.md.
"""
