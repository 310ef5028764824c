"""Expressions, comparisons and amounts of the policy IR: the half of `ir.from_ast` that
types quantities and arithmetic (money, rates, counts, years, dates) and checks their units.

`ExpressionResolver` is a mixin of the resolver in `ir.from_ast`, which provides the field,
record-set and diagnostic services declared at the top of the class.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Literal

from eligibility.facts import vocabulary as vocab
from eligibility.ir import nodes as ir
from eligibility.ir.quantities import COMPARISON_WORDS, quantity_value
from eligibility.syntax import ast

CONTEXT_NAMES = {"assessment_year": ir.Dim.YEAR, "as_of": ir.Dim.DATE}
_KIND_DIMS = {"money": ir.Dim.MONEY, "int": ir.Dim.COUNT, "year": ir.Dim.YEAR, "date": ir.Dim.DATE}


@dataclass(slots=True)
class Scope:
    """Where a condition or expression is read: the applicant, or one record of a collection."""

    owner: str  # node-id prefix
    collection: str | None = None
    sub: str | None = None  # inside a record's sub-records ("items")
    programme: str | None = None
    steps: dict[str, ir.AmountStep] = field(default_factory=dict)
    in_amount: bool = False  # an amount block's steps and caps
    record_filter: bool = False  # a record set's filters (not a per-record expression)


class ExpressionResolver:
    """Resolves expressions, comparisons and amounts; the resolver supplies what follows."""

    expr_count: int
    sets: dict[str, ir.RecordSet]
    programme_defs: dict[str, ast.Programme]

    def _error(
        self,
        code: str,
        message: str,
        span: ast.Span,
        label: str = "",
        notes: tuple[str, ...] = (),
        help: str = "",
    ) -> None:
        raise NotImplementedError

    def _field(self, path: ast.Path, scope: Scope, kinds: set[str]) -> ir.FieldRef:
        raise NotImplementedError

    def _known_set(self, name: str, span: ast.Span, scope: Scope) -> ir.RecordSet | None:
        raise NotImplementedError

    def _suggest(self, name: str, known: tuple[str, ...] | list[str]) -> str:
        raise NotImplementedError

    def _node(
        self, node: ast.Node, scope: Scope, node_id: str, inherited: str, top: bool = False
    ) -> ir.Cond:
        raise NotImplementedError

    def _condition(self, cond: ast.Condition, scope: Scope, meta: ir.Meta) -> ir.Cond:
        raise NotImplementedError

    def _quantifier(
        self, quantifier: str, fref: ir.FieldRef, cond: ast.Condition
    ) -> Literal["one", "some", "every"]:
        raise NotImplementedError

    def _source_text(self, span: ast.Span) -> str:
        raise NotImplementedError

    def _date(self, text: str | None, span: ast.Span) -> datetime.date | None:
        raise NotImplementedError

    def cite(self, citation: ast.Citation | None, inherited: str, span: ast.Span, what: str) -> str:
        raise NotImplementedError

    def _quantified_compare(
        self, cond: ast.QuantifiedCompare, scope: Scope, meta: ir.Meta
    ) -> ir.Cond:
        fref = self._field(cond.subject, scope, {"int", "year", "money", "date"})
        right = self._expr(cond.right, scope)
        if not isinstance(right, ir.Const):
            self._error(
                "E0207",
                f"`{cond.quantifier}` compares each value with a constant",
                cond.span,
                "not a constant",
                help="e.g. `some …_years >= 2016`",
            )
            return ir.Test(meta, fref, "some", ir.OneOf((), False, ""))
        dim = _KIND_DIMS.get(fref.kind, ir.Dim.YEAR if fref.kind == "year" else ir.Dim.NUMBER)
        if (
            fref.kind
            and not _compatible(dim, right.dim)
            and not (fref.kind == "year" and right.dim in (ir.Dim.NUMBER, ir.Dim.YEAR))
        ):
            self._error(
                "E0207",
                f"cannot compare {fref.kind} values with {right.dim}",
                cond.span,
                "different units",
            )
        op = COMPARISON_WORDS[cond.word]
        test = ir.ComparesWith(op, right.value, right.text, cond.word)
        return ir.Test(meta, fref, self._quantifier(cond.quantifier, fref, cond), test)

    def _compare(self, cond: ast.Compare, scope: Scope, meta: ir.Meta) -> ir.Cond:
        left, right = self._expr(cond.left, scope), self._expr(cond.right, scope)
        if scope.collection and not all(_record_operand_ok(e) for e in (left, right)):
            self._error(
                "E0306",
                "a record filter compares a field, its year, a date or a "
                "number; arithmetic and counts belong in sum(set: …)",
                cond.span,
                "too complex for a record filter",
            )
        if not _compatible(left.dim, right.dim):
            bare = right if left.dim is not ir.Dim.NUMBER else left
            self._error(
                "E0207",
                f"cannot compare {left.dim} with {right.dim}",
                cond.span,
                "different units",
                help=_unit_help(bare, other=left if bare is right else right),
            )
        op = COMPARISON_WORDS[cond.word]
        return ir.Compare(meta, left, op, right, cond.word)

    def _expr_id(self) -> str:
        self.expr_count += 1
        return f"e{self.expr_count}"

    def _expr(self, expr: ast.Expr, scope: Scope) -> ir.Expr:
        match expr:
            case ast.Quantity():
                result = quantity_value(expr.number, expr.unit)
                if isinstance(result, str):
                    self._error("E0208", result, expr.span, "not a whole number")
                    return ir.Const(self._expr_id(), 0, ir.Dim.NUMBER, expr.number, expr.unit)
                value, dim = result
                return ir.Const(self._expr_id(), value, dim, f"{expr.number}{expr.unit}", expr.unit)
            case ast.DateLiteral():
                day = self._date(expr.text, expr.span) or datetime.date.min
                return ir.Const(self._expr_id(), day, ir.Dim.DATE, expr.text, "")
            case ast.Ref():
                return self._ref(expr, scope)
            case ast.Count():
                return self._count(expr, scope)
            case ast.CountDistinct():
                return self._count_distinct(expr, scope)
            case ast.SumOf():
                record_set = self._known_set(expr.record_set, expr.span, scope)
                inner = Scope(
                    owner=scope.owner, collection=record_set.collection if record_set else None
                )
                each = self._expr(expr.expr, inner)
                if each.dim not in (ir.Dim.MONEY, ir.Dim.COUNT, ir.Dim.NUMBER):
                    self._error("E0207", f"cannot sum {each.dim}", expr.span, "not an amount")
                return ir.SumOf(self._expr_id(), expr.record_set, each, each.dim)
            case ast.IfThen():
                return self._if_then(expr, scope)
            case ast.Sum():
                record_set = self._known_set(expr.record_set, expr.span, scope)
                inner = Scope(
                    owner=scope.owner, collection=record_set.collection if record_set else None
                )
                fref = self._field(expr.field, inner, {"money", "int"})
                return ir.Sum(
                    self._expr_id(),
                    expr.record_set,
                    fref,
                    ir.Dim.MONEY if fref.kind == "money" else ir.Dim.COUNT,
                )
            case ast.Year():
                return ir.YearOf(self._expr_id(), self._field(expr.field, scope, {"date"}))
            case ast.AwardOf():
                return self._award_of(expr, scope)
            case ast.Binary():
                return self._binary(expr, scope)

    def _award_of(self, expr: ast.AwardOf, scope: Scope) -> ir.Expr:
        """award(p) reads p's amount: in an applicant-level condition only, so that no amount
        depends on another programme's conditions and no cycle can arise."""
        known = self.programme_defs.get(expr.programme)
        title = known.title if known else expr.programme
        if scope.collection or scope.in_amount:
            self._error(
                "E0306",
                "`award(…)` compares programmes' amounts: use it in a condition, "
                "not in a record filter or an amount",
                expr.span,
                "not a programme condition",
            )
        elif known is None:
            self._error(
                "E0201",
                f"unknown programme `{expr.programme}`",
                expr.span,
                "not a programme of this policy",
                help=self._suggest(expr.programme, list(self.programme_defs)),
            )
        elif known.amount is None:
            self._error(
                "E0201",
                f"programme `{expr.programme}` has no `amount` block",
                expr.span,
                "no amount to read",
            )
        return ir.AwardOf(self._expr_id(), expr.programme, title)

    def _count_distinct(self, expr: ast.CountDistinct, scope: Scope) -> ir.Expr:
        record_set = self._known_set(expr.record_set, expr.span, scope)
        collection = record_set.collection if record_set else None
        inner = Scope(owner=scope.owner, collection=collection)
        expr_id = self._expr_id()
        if expr.where is None:
            fref = self._field(expr.field, inner, set())
            return ir.CountDistinct(expr_id, expr.record_set, fref, "件")
        sub, *rest = expr.field.parts  # items.ip_number where ip_type in …: read the items
        if not rest or not collection or not self._is_sub(collection, sub):
            self._error(
                "E0306",
                "`where` filters sub-records: write <set>.items.<field> where …",
                expr.span,
                "not a sub-record field",
            )
            return ir.CountDistinct(
                expr_id,
                expr.record_set,
                ir.FieldRef(expr.field.dotted, "record", "", "", "", False),
                "件",
            )
        items = Scope(owner=scope.owner, collection=collection, sub=sub)
        fref = self._field(ast.Path(tuple(rest), expr.field.span), items, set())
        where = self._node(expr.where, items, f"{scope.owner}.{expr_id}", "—")
        return ir.CountDistinct(expr_id, expr.record_set, fref, "件", sub=sub, where=where)

    def _count(self, expr: ast.Count, scope: Scope) -> ir.Expr:
        name = expr.target.dotted
        if scope.collection and not scope.sub and self._is_sub(scope.collection, name):
            inner = Scope(owner=scope.owner, collection=scope.collection, sub=name)
            where = (
                self._node(expr.where, inner, f"{scope.owner}.{self._expr_id()}", "—")
                if expr.where
                else None
            )
            return ir.ItemCount(self._expr_id(), name, where, "件")
        if expr.where is not None:
            self._error(
                "E0306",
                "`where` filters sub-records of a record, such as its items",
                expr.span,
                "not a sub-record list",
                help="filter a record set in its `records` definition instead",
            )
        self._known_set(name, expr.span, scope)
        return ir.Count(self._expr_id(), name, "")

    @staticmethod
    def _is_sub(collection: str, name: str) -> bool:
        spec = vocab.collection(collection)
        return spec is not None and any(
            f.name.startswith(name + ".") and f.many for f in spec.fields
        )

    def _if_then(self, expr: ast.IfThen, scope: Scope) -> ir.Expr:
        if not scope.collection:
            self._error(
                "E0306",
                "`if … then … else` is computed for each record: use it inside sum(set: …)",
                expr.span,
                "not inside a record",
            )
        meta = ir.Meta(
            f"{scope.owner}.{self._expr_id()}",
            self._source_text(expr.condition.span),
            "",
            expr.condition.span,
        )
        condition = self._condition(expr.condition, scope, meta)
        then, otherwise = self._expr(expr.then, scope), self._expr(expr.otherwise, scope)
        dim = _result_dim("+", then.dim, otherwise.dim)
        if dim is None:
            self._error(
                "E0207",
                f"the two branches differ: {then.dim} and {otherwise.dim}",
                expr.span,
                "units differ",
            )
        return ir.IfThen(self._expr_id(), condition, then, otherwise, dim or then.dim)

    def _ref(self, expr: ast.Ref, scope: Scope) -> ir.Expr:
        name = expr.path.dotted
        if name in scope.steps:
            step = scope.steps[name]
            return ir.StepRef(self._expr_id(), name, step.label, _dim_of(step.expr))
        if name in CONTEXT_NAMES:
            return ir.ContextValue(self._expr_id(), name, CONTEXT_NAMES[name])  # type: ignore[arg-type]
        if name == "approved_amount" and scope.programme and scope.steps is not None:
            return ir.ApprovedAmount(self._expr_id(), scope.programme)
        fref = self._field(expr.path, scope, set())
        if fref.many:
            self._error(
                "E0205",
                f"`{name}` is a list: compare its values with `some` or `every`",
                expr.span,
                "a list of values",
                help=f"e.g. `some {name} >= …` in a condition",
            )
        dim = _KIND_DIMS.get(fref.kind)
        if fref.kind and dim is None:
            self._error(
                "E0202",
                f"`{name}` is a {fref.kind} field, not a number",
                expr.span,
                "not a number",
                help="test it with `in`, `is` or `within` instead",
            )
        return ir.FieldValue(self._expr_id(), fref, dim or ir.Dim.NUMBER)

    def _binary(self, expr: ast.Binary, scope: Scope) -> ir.Expr:
        left, right = self._expr(expr.left, scope), self._expr(expr.right, scope)
        dim = _result_dim(expr.op, left.dim, right.dim)
        if dim is None:
            self._error(
                "E0207",
                f"cannot apply {expr.op} to {left.dim} and {right.dim}",
                expr.span,
                "units do not combine",
            )
            dim = ir.Dim.NUMBER
        return ir.Arith(self._expr_id(), expr.op, left, right, dim)

    # ── amounts ───────────────────────────────────────────────────────────────────────────

    def _amount(self, amount: ast.Amount, scope: Scope, inherited: str) -> ir.Amount:
        citation = self.cite(amount.citation, inherited, amount.span, "an amount")
        scope = replace(scope, in_amount=True)
        steps: list[ir.AmountStep] = []
        awards = [s for s in amount.steps if s.kind == "award"]
        if len(awards) != 1 or amount.steps[-1].kind != "award":
            self._error(
                "E0307",
                "an amount needs exactly one `award` step, as its last step",
                amount.span,
                "award missing or not last",
            )
        for k, step in enumerate(amount.steps, 1):
            step_citation = self.cite(step.citation, citation, step.span, "an amount step")
            expr = self._expr(step.expr, scope)
            if expr.dim is not ir.Dim.MONEY:
                self._error(
                    "E0207",
                    f"an amount step must be money, not {expr.dim}",
                    step.expr.span,
                    "not money",
                    help=_unit_help(expr) or "an award is in 元, 万元 or 亿元",
                )
            built = ir.AmountStep(
                f"{scope.owner}.amount.{k}",
                step.name,
                step.label or step.name,
                expr,
                step_citation,
                step.span,
            )
            if step.name in scope.steps:
                self._error("E0303", f"step `{step.name}` is defined twice", step.span)
            scope.steps[step.name] = built
            steps.append(built)
        caps = tuple(self._cap(cap, scope, k, citation) for k, cap in enumerate(amount.caps, 1))
        pool = self._pool(amount.pool, citation) if amount.pool else None
        return ir.Amount(citation, tuple(steps), caps, pool)

    def _cap(self, cap: ast.Cap, scope: Scope, k: int, inherited: str) -> ir.Cap:
        citation = self.cite(cap.citation, inherited, cap.span, "a cap")
        limit = self._expr(cap.limit, scope)
        if limit.dim is not ir.Dim.MONEY:
            self._error(
                "E0207",
                "a cap must be an amount of money (元, 万元, 亿元)",
                cap.span,
                "not money",
                help="write the cap in 元, 万元 or 亿元, e.g. `at most 5万元`; how many applicants "
                "a programme admits is `at most N applicants`",
            )
        text = limit.text if isinstance(limit, ir.Const) else self._source_text(cap.limit.span)
        return ir.Cap(
            f"{scope.owner}.cap.{k}", limit, cap.label or f"不超过{text}", citation, cap.span
        )

    def _pool(self, pool: ast.Pool, inherited: str) -> ir.Pool:
        citation = self.cite(pool.citation, inherited, pool.span, "a pool")
        result = quantity_value(pool.limit.number, pool.limit.unit)
        text = f"{pool.limit.number}{pool.limit.unit}"
        if isinstance(result, str) or result[1] is not ir.Dim.MONEY:
            self._error("E0207", "a pool must be an amount of money", pool.span, "not money")
            return ir.Pool(Decimal(0), text, "", citation)
        prorata = self.cite(pool.pro_rata, citation, pool.span, "a pool") if pool.pro_rata else ""
        return ir.Pool(
            Decimal(result[0]), text, pool.label or f"总额不超过{text}", citation, prorata
        )


def _dim_of(expr: ir.Expr) -> ir.Dim:
    return expr.dim


def _compatible(a: ir.Dim, b: ir.Dim) -> bool:
    if a == b:
        return True
    loose = {ir.Dim.NUMBER, ir.Dim.COUNT, ir.Dim.YEAR}
    return a in loose and b in loose and ir.Dim.NUMBER in (a, b)


def _result_dim(op: str, a: ir.Dim, b: ir.Dim) -> ir.Dim | None:
    if ir.Dim.DATE in (a, b):
        return None  # no date arithmetic: compare dates, or take year(…)
    if op in ("+", "-", "min", "max"):
        return (b if a is ir.Dim.NUMBER else a) if _compatible(a, b) else None
    scalars = {ir.Dim.RATE, ir.Dim.NUMBER, ir.Dim.COUNT}
    if a is ir.Dim.MONEY and b in scalars:
        return ir.Dim.MONEY
    if b is ir.Dim.MONEY and a in scalars:
        return ir.Dim.MONEY
    if a in scalars and b in scalars:
        return ir.Dim.RATE if ir.Dim.RATE in (a, b) else ir.Dim.NUMBER
    return None


def _record_operand_ok(expr: ir.Expr) -> bool:
    """What a record filter may compare: a constant, a field, its year, a context value, or a
    field's year shifted by a constant number of years (渝知发〔2024〕22号 第十五条: a grace
    year runs one year from the acceptance date, so it ends in `year(acceptance_date) + 1`)."""
    simple = (ir.Const, ir.FieldValue, ir.YearOf, ir.ContextValue)
    if isinstance(expr, ir.Arith):
        return (
            expr.op in ("+", "-")
            and isinstance(expr.left, ir.YearOf)
            and isinstance(expr.right, ir.Const)
        )
    return isinstance(expr, simple)


def _unit_help(expr: ir.Expr, other: ir.Expr | None = None) -> str:
    """The fix for a bare number where money (or the other side's unit) is wanted: `50000` →
    `50000元`; "" when `expr` is not a bare number."""
    if not isinstance(expr, ir.Const) or expr.dim is not ir.Dim.NUMBER:
        return ""
    wanted = other.dim if other is not None else ir.Dim.MONEY
    if wanted is ir.Dim.MONEY:
        return f"write the unit: `{expr.text}元` (money is written 元, 万元 or 亿元)"
    if wanted is ir.Dim.COUNT:
        return f"write the unit: `{expr.text}笔`, `{expr.text}件` … as the count is kept"
    if wanted is ir.Dim.RATE:
        return f"write the unit: `{expr.text}%`"
    return ""
