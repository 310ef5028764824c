"""Syntax tree → policy IR: resolve names against the fact vocabulary, check types and units,
attach full citations and stable ids. Every problem is collected; DiagnosticError is raised
once at the end (E02xx names/types/units, E03xx semantics)."""

from __future__ import annotations

import dataclasses
import datetime
import difflib
import hashlib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from eligibility.diagnostics import Diagnostic, DiagnosticError, PolicyFileError
from eligibility.facts import vocabulary as vocab
from eligibility.facts.vocabulary_files import facts_from_bytes
from eligibility.ir import nodes as ir
from eligibility.ir.expressions import ExpressionResolver, Scope
from eligibility.ir.quantities import citation_prefix
from eligibility.syntax import ast
from eligibility.syntax.limits import MAX_GROUP_DEPTH


def policy_from_ast(
    tree: ast.PolicyFile, facts_files: Mapping[str, bytes] | None = None
) -> ir.Policy:
    """Resolve against the shipped vocabulary and the policy's own facts (its `facts` blocks,
    the files it `uses`: found beside it, or, when `facts_files` is given, taken from it by the
    name the `uses` line gives: the bytes the compile cache key hashed, or an audit log's
    stored copies)."""
    resolver = _Resolver(tree, facts_files)
    own = resolver.own_vocabulary()
    with vocab.using(vocab.for_policies([own])):
        return resolver.policy(own)


class _Resolver(ExpressionResolver):
    def __init__(self, tree: ast.PolicyFile, facts_files: Mapping[str, bytes] | None) -> None:
        self.tree = tree
        self.facts_files = facts_files
        self.diagnostics: list[Diagnostic] = []
        self.sources = {tree.path: tree.text}  # and the facts files it uses, for diagnostics
        self.values: dict[str, ast.ValuesDef] = {}
        self.sets: dict[str, ir.RecordSet] = {}
        self.interpretations: dict[str, ir.Interpretation] = {}
        self.shared: dict[str, ast.Node] = {}
        self.programme_defs = {
            d.programme_id: d for d in tree.definitions if isinstance(d, ast.Programme)
        }  # award(p) may read a programme defined further down
        self._expanding: list[str] = []  # the shared conditions being resolved, outermost first
        self._cyclic: set[str] = set()  # in a cycle: reported once, at the definition
        self._group_depth = 0
        self.expr_count = 0
        self._clause = ""
        self._header_citations: dict[str, str] = {}
        header = tree.header
        self.prefix = header.cite_as or header.document_number or ""
        if not self.prefix:
            self._error(
                "E0301",
                "the policy names no document number to cite",
                header.span,
                "no `document` or `cite as` line",
                help='add `document "渝知发〔2024〕22号"` to the header',
            )

    # ── diagnostics ───────────────────────────────────────────────────────────────────────
    def _error(
        self,
        code: str,
        message: str,
        span: ast.Span,
        label: str = "",
        notes: tuple[str, ...] = (),
        help: str = "",
    ) -> None:
        if self._clause:  # the rule being resolved: legal staff find it by its article
            notes = (*notes, f"clause: {self._clause}")
        self.diagnostics.append(Diagnostic(code, message, span, label, notes, help))

    def _suggest(self, name: str, known: tuple[str, ...] | list[str]) -> str:
        close = difflib.get_close_matches(name, known, n=1)
        return f"did you mean `{close[0]}`?" if close else ""

    def cite(self, citation: ast.Citation | None, inherited: str, span: ast.Span, what: str) -> str:
        if citation is not None:
            if re.search(r"\bA-\d", citation.article):
                self._error(
                    "E0305",
                    "a citation names articles of the document, not a reading",
                    citation.span,
                    "an interpretation id",
                    help="name the reading (A-xx) in the label or in an `interpretation`",
                )
            return f"{citation_prefix(self.prefix)}{citation.article}"
        if not inherited:
            self._error(
                "E0301",
                f"{what} has no citation",
                span,
                "uncited rule",
                help="cite the article it comes from, e.g. [第九条（二）]",
            )
        return inherited

    def _header_span(self, fragment: str | None) -> ast.Span:
        """Where `fragment` (a date as written) first stands in the header, so that a bad
        header value is pointed at on its own line; the header's span when it is not found."""
        header = self.tree.header.span
        lines = self.tree.text.split("\n")
        for number in range(header.line, min(header.end_line, len(lines)) + 1):
            column = lines[number - 1].find(fragment) if fragment else -1
            if column >= 0:
                assert fragment is not None
                return ast.Span(header.file, number, column + 1, number, column + 1 + len(fragment))
        return header

    def _date(self, text: str | None, span: ast.Span) -> datetime.date | None:
        if text is None:
            return None
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            self._error("E0206", f"{text} is not a calendar date", span, "not a date")
            return None

    # ── the facts the policy declares ─────────────────────────────────────────────────────
    def own_vocabulary(self) -> vocab.Declarations:
        """The declarations of the files the policy `uses` and of its `facts` blocks, checked
        against the shipped vocabulary and each other (E021x, collected)."""
        from eligibility.facts.declared import declarations_from_ast

        known = vocab.shipped()
        parts: list[vocab.Declarations] = []
        for uses in self.tree.header.uses:
            data = self._facts_file(uses)
            if data is None:
                continue
            shown = str(Path(self.tree.path).parent / uses.file)
            try:
                part = facts_from_bytes(data, shown, known)
            except DiagnosticError as error:
                self.diagnostics += error.diagnostics
                self.sources.update(error.sources)
                continue
            parts.append(part)
            known = known.extended(part)
        items = [
            item
            for definition in self.tree.definitions
            if isinstance(definition, ast.FactsBlock)
            for item in definition.items
        ]
        own, diagnostics = declarations_from_ast(items, known)
        self.diagnostics += diagnostics
        return vocab.combined((*parts, own))

    def _facts_file(self, uses: ast.Uses) -> bytes | None:
        """The bytes of a `uses` file (E0217 when there is none, None then)."""
        from eligibility.resources import policy_directory

        if self.facts_files is not None:
            data = self.facts_files.get(uses.file)
            if data is None:
                self._error(
                    "E0217", f"no facts file {uses.file} given with the policy text", uses.span,
                    "no such file", help="the facts files given: "
                    + (", ".join(sorted(self.facts_files)) or "none"),
                )  # fmt: skip
            return data
        directory = policy_directory(self.tree.path)
        path = directory / uses.file
        if not path.is_file():
            self._error(
                "E0217", f"no facts file {uses.file} beside the policy", uses.span,
                "no such file", help=f"the file is looked for in {directory}",
            )  # fmt: skip
            return None
        try:
            return path.read_bytes()
        except OSError as error:
            shown = str(Path(self.tree.path).parent / uses.file)
            raise PolicyFileError(
                f"error: cannot read facts file {shown}: {error.strerror}"
            ) from None

    # ── the whole policy ──────────────────────────────────────────────────────────────────
    def policy(self, own: vocab.Declarations) -> ir.Policy:
        header = self.tree.header
        programmes: list[ir.Programme] = []
        seen: dict[str, ast.Span] = {}
        dates = (
            self._date(header.dated, self._header_span(header.dated)),
            self._date(header.in_force_from, self._header_span(header.in_force_from)),
            self._date(header.in_force_until, self._header_span(header.in_force_until)),
        )
        self._report_shared_cycles()
        for definition in self.tree.definitions:
            if isinstance(definition, ast.FactsBlock):
                continue  # read by own_vocabulary, before anything else
            name = str(getattr(definition, "name", None) or getattr(definition, "programme_id", ""))
            if "__" in name:  # ids become predicate names with "." written as "__"
                self._error(
                    "E0304",
                    f"`{name}` contains `__`, which names are not allowed to",
                    definition.span,
                    "double underscore",
                    help="use single underscores between words",
                )
            if name in seen:
                self._error(
                    "E0303",
                    f"`{name}` is defined twice",
                    definition.span,
                    "second definition",
                    notes=(f"first defined at line {seen[name].line}",),
                )
            seen[name] = definition.span
            match definition:
                case ast.ValuesDef():
                    self.values[definition.name] = definition
                case ast.InterpretationDef():
                    self.interpretations[definition.name] = self._interpretation(definition)
                case ast.ConditionsDef():
                    self.shared[definition.name] = definition.node
                case ast.RecordsDef():
                    self.sets[definition.name] = self._record_set(definition)
                case ast.Programme():
                    programmes.append(self._programme(definition))
        self.diagnostics = list(
            dict.fromkeys(self.diagnostics)
        )  # header gates repeat per programme
        if any(d.is_error for d in self.diagnostics):
            raise DiagnosticError(tuple(self.diagnostics), self.sources)
        return ir.Policy(
            header.policy_id, header.title, self.prefix, header.issuer or "", *dates,
            self.tree.path, hashlib.sha256(self.tree.text.encode()).hexdigest(),
            tuple(self.sets.values()), tuple(programmes), tuple(self.interpretations.values()),
            own,
        )  # fmt: skip

    def _interpretation(self, definition: ast.InterpretationDef) -> ir.Interpretation:
        citation = self.cite(definition.citation, "", definition.span, "an interpretation")
        values = definition.values.names
        if definition.default not in values:
            self._error(
                "E0203",
                f"the default `{definition.default}` is not one of its values",
                definition.span,
                "not a listed value",
                notes=("values: " + ", ".join(values),),
            )
        return ir.Interpretation(
            definition.name, definition.label, definition.default, values, citation
        )

    def _record_set(self, definition: ast.RecordsDef) -> ir.RecordSet:
        citation = self.cite(definition.citation, "", definition.span, "a record set")
        parent = self.sets.get(definition.source)
        collection = parent.collection if parent else definition.source
        if parent is None and vocab.collection(definition.source) is None:
            known = [*vocab.collection_names(), *self.sets]
            self._error(
                "E0201",
                f"unknown record collection or set `{definition.source}`",
                definition.span,
                "not a collection of the applicant",
                help=self._suggest(definition.source, known),
            )
        scope = Scope(owner=definition.name, collection=collection, record_filter=True)
        before = len(self.diagnostics)
        filters = tuple(
            self._node(node, scope, f"{definition.name}.{k}", citation, top=True)
            for k, node in enumerate(definition.filters, 1)
        )
        if parent is None and vocab.collection(definition.source) is None:
            # every field of an unknown collection is unknown: one error says it, not one each
            self.diagnostics[before:] = [d for d in self.diagnostics[before:] if d.code != "E0204"]
        return ir.RecordSet(
            definition.name,
            definition.label,
            citation,
            collection,
            parent.name if parent else None,
            filters,
            definition.span,
        )

    def _programme(self, definition: ast.Programme) -> ir.Programme:
        pid = definition.programme_id
        citation = self.cite(definition.citation, "", definition.span, "a programme")
        scope = Scope(owner=pid, programme=pid)
        children: list[ir.Cond] = []
        gates: list[tuple[str, str]] = []
        for kind, make in (
            ("in_force", self._in_force_gate),
            ("applicant", self._applicant_gate),
            ("jurisdiction", self._jurisdiction_gate),
        ):
            gate = make(pid, len(children))
            if gate:
                children.append(gate)
                gates.append((gate.meta.node_id, kind))
        for clause in definition.clauses:
            node_id = f"{pid}.{len(children) + 1}"
            if clause.kind == "requires":
                children.append(self._node(clause.node, scope, node_id, "", top=True))
            else:
                inner = self._node(clause.node, scope, f"{node_id}.1", "", top=True)
                meta = ir.Meta(node_id, inner.meta.label, inner.meta.citation, clause.span)
                children.append(ir.Not(meta, inner))
        root = ir.AllOf(ir.Meta(pid, definition.title, citation, definition.span), tuple(children))
        if len(definition.amounts) > 1:
            self._error(
                "E0303",
                "a programme has one `amount` block",
                definition.amounts[1].span,
                "second amount block",
            )
        amount = self._amount(definition.amount, scope, citation) if definition.amount else None
        limits = tuple(self._applicant_limit(limit, scope, citation) for limit in definition.limits)
        return ir.Programme(
            pid, definition.title, citation, root, amount, definition.span, tuple(gates), limits
        )

    def _applicant_limit(
        self, limit: ast.ApplicantLimit, scope: Scope, inherited: str
    ) -> ir.ApplicantLimit:
        """A quota or selection: its fields are one-valued applicant facts, read by the round."""
        citation = self.cite(limit.citation, inherited, limit.span, "a quota or selection")
        if not limit.maximum.isdigit() or int(limit.maximum) < 1:
            self._error(
                "E0207", "a number of applicants is a whole number of at least 1", limit.span,
                "not a count of applicants",
            )  # fmt: skip
        keyed = ("string", "region", "enum", "bool", "int")
        per = self._field(limit.per, scope, set(keyed)) if limit.per else None
        unless = (
            self._field(limit.unless, scope, {"enum", "bool", "string"}) if limit.unless else None
        )
        among = self._field(limit.among, scope, {"bool"}) if limit.among else None
        for fref, path in ((per, limit.per), (unless, limit.unless), (among, limit.among)):
            if fref is not None and path is not None and fref.many:
                self._error(
                    "E0205", f"`{fref.path}` is a list: a quota is kept per one value", path.span,
                    "a list of values",
                )  # fmt: skip
        values: tuple[str, ...] = ()
        if unless is not None and limit.unless_values is not None:
            values, _ = self._value_set(limit.unless_values, unless, None)
        words = "不超过" if limit.hard else "约"
        return ir.ApplicantLimit(
            int(limit.maximum) if limit.maximum.isdigit() else 0, limit.hard,
            per.path if per else None, unless.path if unless else None, values,
            limit.label or f"{words}{limit.maximum}个申请人", citation, limit.span,
            among.path if among else None,
        )  # fmt: skip

    def _header_citation(self, key: str, citation: ast.Citation | None, what: str) -> str:
        """Header gates repeat in every programme; their citation is checked once."""
        if key not in self._header_citations:
            self._header_citations[key] = self.cite(citation, "", self.tree.header.span, what)
        return self._header_citations[key]

    def _applicant_gate(self, pid: str, count: int) -> ir.Cond | None:
        header = self.tree.header
        if header.applicant_kind is None or header.applicant_citation is None:
            return None  # without a citation the line only documents who applies
        citation = self._header_citation(
            "applicant", header.applicant_citation, "the applicant kind"
        )
        spec = vocab.applicant_field("applicant_kind")
        kinds = tuple(spec.enum_values) if spec else ()
        if header.applicant_kind not in kinds:
            self._error(
                "E0203",
                f"`{header.applicant_kind}` is not an applicant kind",
                header.span,
                "unknown kind",
                notes=("allowed: " + ", ".join(kinds),),
            )
        fref = ir.FieldRef(
            "applicant_kind", "applicant", "enum", spec.label if spec else "", "", False
        )
        words = {"organisation": "组织（单位）", "city": "城市"}
        label = f"申请主体为{words.get(header.applicant_kind, header.applicant_kind)}"
        return ir.Test(
            ir.Meta(f"{pid}.{count + 1}", label, citation, header.span),
            fref,
            "one",
            ir.OneOf((header.applicant_kind,), False, ""),
        )

    def _jurisdiction_gate(self, pid: str, count: int) -> ir.Cond | None:
        """Where the document applies (注册在本市…): failing it means "another jurisdiction"."""
        leaf = self.tree.header.jurisdiction
        if leaf is None:
            return None
        return self._node(leaf, Scope(owner=pid, programme=pid), f"{pid}.{count + 1}", "", top=True)

    def _in_force_gate(self, pid: str, count: int = 0) -> ir.Cond | None:
        header = self.tree.header
        start = self._date(header.in_force_from, self._header_span(header.in_force_from))
        if start is None:
            return None
        citation = self._header_citation(
            "in_force", header.in_force_citation, "the validity period"
        )
        until = self._date(header.in_force_until, self._header_span(header.in_force_until))
        as_of = ir.ContextValue(self._expr_id(), "as_of", ir.Dim.DATE)
        tests: list[ir.Cond] = [ir.Compare(
            ir.Meta(f"{pid}.1.1", f"申报日期不早于施行日期 {start}", citation, header.span),
            as_of, ">=", ir.Const(self._expr_id(), start, ir.Dim.DATE, str(start), ""), ">=",
        )]  # fmt: skip
        if until:
            tests.append(ir.Compare(
                ir.Meta(f"{pid}.1.2", f"申报日期不晚于有效期截止日 {until}", citation, header.span),
                as_of, "<=", ir.Const(self._expr_id(), until, ir.Dim.DATE, str(until), ""), "<=",
            ))  # fmt: skip
        label = f"本政策施行期内申报（{start} 起" + (f"，至 {until}）" if until else "）")
        return ir.AllOf(ir.Meta(f"{pid}.1", label, citation, header.span), tuple(tests))

    # ── condition nodes ───────────────────────────────────────────────────────────────────
    def _node(
        self, node: ast.Node, scope: Scope, node_id: str, inherited: str, top: bool = False
    ) -> ir.Cond:
        if isinstance(node, ast.SharedNode):  # written once, resolved where it is used
            names, shared = self._shared_definition(node)
            if shared is None:  # unknown or cyclic, reported: a stand-in keeps resolving the rest
                meta = ir.Meta(node_id, f"@{node.name}", inherited, node.span)
                return ir.Selected(meta, scope.programme or "")
            self._expanding += names
            try:
                return self._node(shared, scope, node_id, inherited, top)
            finally:
                del self._expanding[len(self._expanding) - len(names) :]
        citation = self.cite(node.citation, inherited, node.span, "this rule")
        label = node.label or ""
        if not label:
            if top:
                self._error(
                    "E0302",
                    "this rule has no label",
                    node.span,
                    "unlabelled rule",
                    help='start it with the document\'s own words: "信用良好": …',
                )
            label = self._source_text(node.span)
        meta = ir.Meta(node_id, label, citation, node.span)
        outer, self._clause = self._clause, citation
        try:
            return self._resolved_node(node, scope, meta, citation)
        finally:
            self._clause = outer

    def _resolved_node(self, node: ast.Node, scope: Scope, meta: ir.Meta, citation: str) -> ir.Cond:
        node_id = meta.node_id
        if isinstance(node, ast.Group):
            if self._group_depth >= MAX_GROUP_DEPTH:  # only shared conditions get here deeper
                self._error(
                    "E0309",
                    f"groups are nested more than {MAX_GROUP_DEPTH} deep here",
                    node.span,
                    "too deep once shared conditions are written out",
                    help="flatten the groups or the chain of shared conditions",
                )
                return ir.Selected(meta, scope.programme or "")
            self._group_depth += 1
            try:
                children = tuple(
                    self._node(child, scope, f"{node_id}.{k}", citation)
                    for k, child in enumerate(node.children, 1)
                )
            finally:
                self._group_depth -= 1
            if node.kind == "none":  # none of them: not any of them
                inner = ir.Meta(f"{node_id}.0", meta.label, citation, meta.span)
                return ir.Not(meta, ir.AnyOf(inner, children))
            return ir.AllOf(meta, children) if node.kind == "all" else ir.AnyOf(meta, children)
        assert isinstance(node, ast.Leaf), "shared nodes are replaced by their definition in _node"
        return self._condition(node.condition, scope, meta)

    # ── shared conditions ─────────────────────────────────────────────────────────────────
    def _shared_definition(self, use: ast.SharedNode) -> tuple[list[str], ast.Node | None]:
        """What `@name` stands for, following aliases (`conditions a = @b`) in a loop, with the
        names passed through; None when a name is unknown or leads back to itself."""
        names: list[str] = []
        node: ast.Node = use
        while isinstance(node, ast.SharedNode):
            chain = [*self._expanding, *names]
            if node.name in chain:
                if node.name not in self._cyclic:  # a cycle the definitions alone do not show
                    self._cycle_error([*chain[chain.index(node.name) :], node.name], use.span)
                return names, None
            definition = self.shared.get(node.name)
            if definition is None:
                self._error(
                    "E0201",
                    f"unknown shared conditions `@{node.name}`",
                    node.span,
                    "not defined above",
                    help=self._suggest(node.name, list(self.shared)),
                )
                return names, None
            names.append(node.name)
            node = definition
        return names, node

    def _report_shared_cycles(self) -> None:
        """Every cycle between `conditions` definitions, used or not, once, at the reference that
        closes it; found on the definitions alone, before anything is written out."""
        refs: dict[str, list[ast.SharedNode]] = {
            d.name: _shared_references(d.node)
            for d in self.tree.definitions
            if isinstance(d, ast.ConditionsDef)
        }
        reported: set[frozenset[str]] = set()
        for start in refs:
            path = _path_back(start, refs)
            if path is None or frozenset(path) in reported:
                continue
            reported.add(frozenset(path))
            self._cyclic.update(path)
            closing = next(r for r in refs[path[-1]] if r.name == start)
            self._cycle_error([*path, start], closing.span)

    def _cycle_error(self, cycle: list[str], span: ast.Span) -> None:
        self._error(
            "E0308",
            f"shared condition `{cycle[0]}` refers to itself: " + " → ".join(cycle),
            span,
            "leads back to itself",
            help="a shared condition cannot contain itself; write out the part that repeats",
        )

    def _source_text(self, span: ast.Span) -> str:
        lines = self.tree.text.split("\n")[span.line - 1 : span.end_line]  # as spans count
        if not lines:
            return ""
        if len(lines) == 1:
            return lines[0][span.column - 1 : span.end_column - 1].strip()
        return " ".join(line.strip() for line in lines)

    def _condition(self, cond: ast.Condition, scope: Scope, meta: ir.Meta) -> ir.Cond:
        match cond:
            case ast.Compare():
                return self._compare(cond, scope, meta)
            case ast.InSet() if isinstance(cond.values, ast.CollectionValues):
                return self._in_collection(cond, cond.values, scope, meta)
            case ast.InterpretationIs():
                known = self.interpretations.get(cond.name)
                if known is None:
                    self._error(
                        "E0201",
                        f"unknown interpretation `{cond.name}`",
                        cond.span,
                        "not declared above",
                        help=self._suggest(cond.name, list(self.interpretations)),
                    )
                elif cond.value not in known.values:
                    self._error(
                        "E0203",
                        f"`{cond.value}` is not a value of `{cond.name}`",
                        cond.span,
                        "unknown value",
                        notes=("values: " + ", ".join(known.values),),
                    )
                if meta.label == self._source_text(cond.span) and known:  # no label written
                    default = re.match(r"A-\d+", known.label)
                    tag = f"{default.group()} " if default else ""
                    meta = ir.Meta(
                        meta.node_id,
                        f"口径 {tag}{cond.name} = {cond.value}",
                        meta.citation,
                        meta.span,
                    )
                return ir.InterpretationIs(meta, cond.name, cond.value)
            case ast.InSet() if not isinstance(cond.values, ast.CollectionValues):
                fref = self._field(cond.subject, scope, {"enum", "string", "region"})
                values, set_label = self._value_set(cond.values, fref, scope.collection)
                test: ir.ValueTest = ir.OneOf(values, cond.negated, set_label)
                return ir.Test(meta, fref, self._quantifier(cond.quantifier, fref, cond), test)
            case ast.Within():
                fref = self._field(cond.subject, scope, {"region"})
                return ir.Test(
                    meta,
                    fref,
                    self._quantifier(cond.quantifier, fref, cond),
                    ir.WithinRegion(cond.region),
                )
            case ast.IsBool():
                fref = self._field(cond.subject, scope, {"bool"})
                return ir.Test(
                    meta,
                    fref,
                    self._quantifier(cond.quantifier, fref, cond),
                    ir.IsBool(cond.expected),
                )
            case ast.QuantifiedCompare():
                return self._quantified_compare(cond, scope, meta)
            case ast.Attested() if vocab.criterion(cond.criterion) is None:
                self._error(
                    "E0209",
                    f"`{cond.criterion}` is not a declared reviewer criterion",
                    cond.span,
                    "undeclared criterion",
                    help=self._suggest(cond.criterion, vocab.criterion_names())
                    or f'declare it: facts {{ criterion {cond.criterion} "…" [第…条] }}',
                )
                return ir.Attested(meta, cond.criterion, "applicant")
            case ast.Attested() if cond.else_application:
                if not scope.record_filter or scope.sub:
                    self._error(
                        "E0306",
                        "`attested … else application` falls back from a record's finding to "
                        "the application's: use it in a record filter",
                        cond.span,
                        "not in a record filter",
                        help="on the applicant, write `attested "
                        + cond.criterion
                        + "`: it reads the application's finding",
                    )
                return ir.Attested(meta, cond.criterion, "record_else_application")
            case ast.Attested():
                return ir.Attested(
                    meta, cond.criterion, "record" if scope.collection else "applicant"
                )
            case ast.Selected():
                if scope.programme is None:
                    self._error(
                        "E0306",
                        "`selected` can only be a condition of a programme",
                        cond.span,
                        "not inside a programme",
                    )
                return ir.Selected(meta, scope.programme or "")
            case ast.Exists():
                self._known_set(cond.record_set, cond.span, scope)
                return ir.Exists(meta, cond.record_set)
            case ast.Stated():
                return ir.Stated(meta, self._field(cond.subject, scope, set()))
        raise AssertionError(cond)

    def _in_collection(
        self, cond: ast.InSet, values: ast.CollectionValues, scope: Scope, meta: ir.Meta
    ) -> ir.Cond:
        if not scope.collection or scope.sub:
            self._error(
                "E0306",
                "`in <collection>.<field>` compares a record with the "
                "applicant's other records: use it in a record filter",
                cond.span,
                "not in a record filter",
            )
        fref = self._field(cond.subject, scope, {"string", "enum"})
        other = Scope(owner=scope.owner, collection=values.collection)
        if vocab.collection(values.collection) is None:
            self._error(
                "E0201",
                f"unknown collection `{values.collection}`",
                values.span,
                "not a collection of the applicant",
                help=self._suggest(values.collection, vocab.collection_names()),
            )
            return ir.Test(meta, fref, "one", ir.InCollection(values.collection, "", cond.negated))
        target = self._field(values.field, other, {"string", "enum"})
        return ir.Test(
            meta, fref, "one", ir.InCollection(values.collection, target.path, cond.negated)
        )

    def _quantifier(
        self, quantifier: str, fref: ir.FieldRef, cond: ast.Condition
    ) -> Literal["one", "some", "every"]:
        if fref.kind and fref.many and quantifier == "one":
            self._error(
                "E0205",
                f"`{fref.path}` is a list: say `some` or `every`",
                cond.span,
                "a list of values",
                help=f"e.g. `some {fref.path} ...`",
            )
        if fref.kind and not fref.many and quantifier != "one":
            self._error(
                "E0205",
                f"`{fref.path}` holds one value: drop `{quantifier}`",
                cond.span,
                "not a list",
            )
        return quantifier  # type: ignore[return-value]

    def _value_set(
        self, values: ast.ValueSet | ast.NamedSet, fref: ir.FieldRef, collection: str | None
    ) -> tuple[tuple[str, ...], str]:
        label = ""
        if isinstance(values, ast.NamedSet):
            definition = self.values.get(values.name)
            if definition is None:
                self._error(
                    "E0201",
                    f"unknown value set `{values.name}`",
                    values.span,
                    "not defined above",
                    help=self._suggest(values.name, list(self.values)),
                )
                return (), ""
            label, values = definition.label or "", definition.values
        spec = self._spec(fref.path, fref.scope, collection) or (
            vocab.record_field(collection or "", f"items.{fref.path}") if collection else None
        )
        allowed = tuple(spec.enum_values) if spec else ()
        for name in values.names:
            if allowed and name not in allowed:
                self._error(
                    "E0203",
                    f"`{name}` is not a value of `{fref.path}`",
                    values.span,
                    "unknown value",
                    notes=("allowed: " + ", ".join(allowed),),
                    help=self._suggest(name, allowed),
                )
        return values.names, label

    def _spec(self, path: str, scope: str, collection: str | None) -> vocab.FieldSpec | None:
        if scope == "record" and collection:
            return vocab.record_field(collection, path)
        return vocab.applicant_field(path)

    def _field(self, path: ast.Path, scope: Scope, kinds: set[str]) -> ir.FieldRef:
        where: Literal["applicant", "record"] = "record" if scope.collection else "applicant"
        if scope.sub:
            spec = vocab.record_field(scope.collection or "", f"{scope.sub}.{path.dotted}")
            if spec is not None:
                kind = str(spec.kind)
                if kinds and kind not in kinds:
                    self._error(
                        "E0202",
                        f"`{path.dotted}` is a {kind} field; this test needs "
                        + " or ".join(sorted(kinds)),
                        path.span,
                        f"{kind} field",
                    )
                return ir.FieldRef(path.dotted, "record", kind, spec.label, spec.unit, False)
        spec = self._spec(path.dotted, where, scope.collection)
        if spec is None:
            collection = vocab.collection(scope.collection) if scope.collection else None
            known = collection.fields if collection else ()
            names = (
                [f.name for f in known] if scope.collection else list(vocab.applicant_field_names())
            )
            owner = (
                f"a field of `{scope.collection}` records"
                if scope.collection
                else "a field of the applicant"
            )
            self._error(
                "E0204",
                f"unknown {'record' if scope.collection else 'applicant'} field `{path.dotted}`",
                path.span,
                f"not {owner}",
                help=self._suggest(path.dotted, names),
            )
            return ir.FieldRef(path.dotted, where, "", path.dotted, "", False)
        kind = str(spec.kind)
        if kinds and kind not in kinds:
            self._error(
                "E0202",
                f"`{path.dotted}` is a {kind} field; this test needs " + " or ".join(sorted(kinds)),
                path.span,
                f"{kind} field",
            )
        return ir.FieldRef(spec.name, where, kind, spec.label, spec.unit, spec.many)

    def _known_set(self, name: str, span: ast.Span, scope: Scope) -> ir.RecordSet | None:
        if scope.collection:
            self._error(
                "E0306",
                "a record filter cannot count or sum other records",
                span,
                "inside a record filter",
            )
        record_set = self.sets.get(name)
        if record_set is None:
            self._error(
                "E0201",
                f"unknown record set `{name}`",
                span,
                "not defined above",
                help=self._defined_below(name, span) or self._suggest(name, list(self.sets)),
            )
        return record_set

    def _defined_below(self, name: str, used: ast.Span) -> str:
        """The fix when `name` is a record set defined further down: sets are defined first."""
        later = next(
            (d for d in self.tree.definitions if isinstance(d, ast.RecordsDef) and d.name == name),
            None,
        )
        if later is None or later.span.line < used.line:
            return ""
        return f"`{name}` is defined on line {later.span.line}: move its definition above this use"

    # ── comparisons and expressions ───────────────────────────────────────────────────────


def _shared_references(root: ast.Node) -> list[ast.SharedNode]:
    """Every `@name` written inside a node, in groups, filters and `count(… where …)` alike
    (a walk over the syntax tree's fields with a stack: deep nesting cannot overflow it)."""
    found: list[ast.SharedNode] = []
    stack: list[object] = [root]
    while stack:
        item = stack.pop()
        if isinstance(item, ast.SharedNode):
            found.append(item)
        elif isinstance(item, tuple):
            stack.extend(reversed(item))
        elif dataclasses.is_dataclass(item) and not isinstance(item, ast.Span):
            stack.extend(reversed([getattr(item, f.name) for f in dataclasses.fields(item)]))
    return found


def _path_back(start: str, refs: dict[str, list[ast.SharedNode]]) -> list[str] | None:
    """The names from `start` along references back to `start` (depth first, by a stack), or
    None when no such path exists."""
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    seen: set[str] = set()
    while stack:
        name, path = stack.pop()
        for ref in reversed(refs.get(name, [])):
            if ref.name == start:
                return path
            if ref.name not in seen and ref.name in refs:
                seen.add(ref.name)
                stack.append((ref.name, [*path, ref.name]))
    return None
