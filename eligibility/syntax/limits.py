"""The documented limits of the policy language (docs/language.md, "Limits").

They exist so that no policy text, however odd, can crash the compiler: a stage that recurses
over the tree (lark's transformer, the resolver, the Datalog compiler, the proof builder) needs
a bounded depth, and Decimal arithmetic needs numbers that fit its context. Every shipped policy
is far inside them (deepest groups 3, longest expression 6 operations, largest amount 8 digits).
"""

from __future__ import annotations

MAX_GROUP_DEPTH = 100
"""Groups (`all`/`any`/`none`) nested inside each other, counted after shared conditions are
written out (E0309)."""

MAX_EXPRESSION_DEPTH = 100
"""Operations (`+ - × min max if`) nested in one expression; a sum of n terms nests n - 1
(E0309). Both depth limits leave room for each other: a policy at both (100 groups around a
sum of 101 terms) compiles, checks, explains and goes through the compile cache; at 100 groups
around 200 operations the cache's pickling already ran out of stack."""

MAX_INTEGER_DIGITS = 12
MAX_FRACTION_DIGITS = 6
"""A number written in a policy has at most 12 digits before the decimal point and 6 after it
(E0310), leading zeros aside."""

MAX_MONEY_YUAN = 10**12
"""An amount written in a policy is below 1 万亿元 (10^12 元) once its unit is applied (E0310)."""

MAX_RATE_PERCENT = 10_000
"""A rate written in a policy is at most 10,000 % (E0310). With the money limit, a product of
literals stays far inside Decimal's 28-digit context, so no award can fail to round."""
