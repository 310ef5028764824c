"""The policy IR: what a policy means, resolved, typed and cited; stage 2 of the pipeline.

    nodes        the IR: Policy, Programme, conditions (Cond), expressions (Expr), value tests,
                 record sets, amounts; frozen, every node with a stable id and its citation
    from_ast     syntax.ast.PolicyFile → Policy: names resolved against facts.vocabulary,
                 gates and switches; every E02xx/E03xx problem collected, raised once
    expressions  the expression half of from_ast (a mixin): quantities, units, arithmetic,
                 comparisons, caps and pools
    quantities   legal text → exact values (50万元, 3笔, 2%) and comparison words → operators
    walk         traversals shared by the compiler, the reference evaluator and the explainer

Every dispatch over Cond, Expr and ValueTest ends in `assert_never` (docs/architecture.md).
"""
