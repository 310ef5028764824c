"""The command line: `check` and `eligibility check|compile|test|coverage`. It only wires stages
together.

Exit codes (README, docs/decision-format.md): 0 evaluated (whatever the outcomes), 2 invalid
applicant file, 3 invalid policy text (or no such policy file), 4 internal error (a bug: please
report it with the input), 5 the output could not be written (a full disk, a closed standard
output), 64 a usage error on the command line, 141 the reader of the output went away
(`check … | head`). `test` and `coverage` (docs/policy-tests.md): 0 all pass, 1 a case fails or
an article is untested, 2 a test file is missing or invalid, 3 invalid policy text.
`check --record` and `round --record` (docs/audit-log.md): 6 the decision could not be recorded
(nothing printed; for a round, no output file written);
`audit`: 0 ok, 1 verify or replay found a problem, 2 no such log, not a log, bad key or id.
`check --report FILE.pdf`: 7 no PDF engine (Chromium) is installed, or it failed to print
(nothing printed or recorded; `--report FILE.html` needs none). A report that cannot be
written is 5, like any output.
`fields` (docs/fields.md): 0 listed, 3 invalid policy text, 64 an unknown programme.
`round` (docs/round-format.md): 0 decided, 1 decided with round-level errors (a quota
exceeded, a pool blocked), 2 invalid round file, 3 invalid policy text, 71 a worker process
failed (killed, out of memory, or a policy file changed while the round ran; no output file
written).
`lsp` (docs/editor.md): 0 the client said shutdown and exit (or closed stdin), 1 exit without
shutdown (as LSP asks), 69 pygls cannot be imported (EX_UNAVAILABLE).
`fmt` and `lint` (docs/tools.md): 0 laid out / no warning, 1 a file would be reformatted
(`--check`, `--diff`) / some warning, 3 a file does not parse or compile.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from eligibility.compiler import PolicySource
    from eligibility.decision.proof import Decision
    from eligibility.facts.model import ApplicantFacts, InputError
    from eligibility.render.wording import Lang

from eligibility import streams

EXIT_OK, EXIT_INPUT, EXIT_POLICY, EXIT_INTERNAL = 0, 2, 3, 4
EXIT_OUTPUT, EXIT_BROKEN_PIPE = streams.EXIT_OUTPUT, streams.EXIT_BROKEN_PIPE
EXIT_NO_PDF = 7  # `check --report FILE.pdf`: no PDF engine (Chromium), or it failed
EXIT_USAGE = 64  # EX_USAGE of sysexits.h: argparse's own 2 would read as "invalid applicant file"
EXIT_UNAVAILABLE = 69  # EX_UNAVAILABLE: `lsp` without its optional dependency, pygls


class _Parser(argparse.ArgumentParser):
    """argparse, with usage errors ending in EXIT_USAGE instead of 2."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


class _VersionAction(argparse.Action):
    """`--version`, worked out only when asked for (importlib.metadata is slow to import)."""

    def __init__(self, option_strings: list[str], dest: str, **_: object) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        print(_version())
        parser.exit()


def _version() -> str:
    import platform
    from importlib.metadata import PackageNotFoundError, version

    from eligibility import __version__

    try:
        engine = f"pyDatalog {version('pyDatalog')}"
    except PackageNotFoundError:
        engine = "pyDatalog not installed"
    return f"eligibility {__version__} ({engine}, Python {platform.python_version()})"


def _add_check_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--version", action=_VersionAction)
    parser.add_argument(
        "applicant", type=Path, help="applicant file (JSON, see docs/applicant-format.md)"
    )
    parser.add_argument(
        "--policy",
        type=Path,
        action="append",
        default=None,
        help="policy file (repeatable); default: every file in policies/",
    )
    parser.add_argument(
        "--explain", action="store_true", help="show the proof tree of each programme"
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--lang",
        choices=("zh", "en"),
        default="zh",
        help="language of the explanation and of the JSON's labels (default: zh, 中文)",
    )
    parser.add_argument(
        "--engine",
        choices=("pydatalog", "duckdb", "auto"),
        default="auto",
        help="auto (default): DuckDB beyond pyDatalog's budget (2,000 records, 60,000 values)",
    )
    from eligibility.facts.arguments import as_of_date, assessment_year

    parser.add_argument(
        "--as-of",
        type=as_of_date,
        default=None,
        help="application date; overrides context.application_date",
    )
    parser.add_argument(
        "--assessment-year",
        type=assessment_year,
        default=None,
        help="assessment year (本年度); default: context, else the year of --as-of",
    )
    parser.add_argument(
        "--record",
        type=Path,
        metavar="LOG",
        default=None,
        help="append the decision, its inputs and proof to this audit log (docs/audit-log.md); "
        "nothing is printed unless it was recorded",
    )
    parser.add_argument(
        "--by", default=None, help="who records it (with --record); default: the OS user"
    )
    parser.add_argument(
        "--report",
        type=report_path,
        metavar="FILE",
        default=None,
        help="also write a decision report to print and file: FILE.html (a self-contained "
        "page) or FILE.pdf (printed by Chromium, when installed); in the language of --lang",
    )


def positive_count(text: str) -> int:
    """`--jobs`'s argument: a whole number, at least 1."""
    try:
        count = int(text)
    except ValueError:
        count = 0
    if count < 1:
        raise argparse.ArgumentTypeError(f"{text}: a whole number of processes, at least 1")
    return count


def report_path(text: str) -> Path:
    """`--report`'s argument: a page (.html, .htm) or a PDF (.pdf)."""
    path = Path(text)
    if path.suffix.lower() not in (".html", ".htm", ".pdf"):
        raise argparse.ArgumentTypeError(f"{text}: a report is FILE.html or FILE.pdf")
    return path


def _parser(only_check: bool = False) -> argparse.ArgumentParser:
    """The command line. `only_check`: with the `check` command alone, for `eligibility check
    …`, which parses as with every command (the first word chooses the command, and all the
    words after it are the command's; `main` parses words left over again with every command,
    whose usage the error shows): the other commands' sub-parsers cost a cold check ~6 ms
    (argparse looks up a translation of each of its messages on disk for every parser)."""
    parser = _Parser(prog="eligibility", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action=_VersionAction)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    _add_check_arguments(commands.add_parser("check", help="check an applicant against policies"))
    if only_check:
        return parser
    compile_parser = commands.add_parser("compile", help="check policy files and report problems")
    compile_parser.add_argument("policies", type=Path, nargs="*")
    compile_parser.add_argument(
        "--print",
        action="store_true",
        dest="print_program",
        help="print the Datalog program each policy compiles to (for reading, never loaded)",
    )
    test_parser = commands.add_parser("test", help="run the policies' test cases (*.tests.yaml)")
    coverage_parser = commands.add_parser(
        "coverage", help="list the articles cited by rules, and the test cases exercising each"
    )
    for sub in (test_parser, coverage_parser):
        sub.add_argument(
            "policies",
            nargs="*",
            metavar="POLICY",
            help="policy file, its .tests.yaml, or its name; default: every policies/*.tests.yaml",
        )
        sub.add_argument("--format", choices=("text", "json"), default="text")
    mutate_parser = commands.add_parser(
        "mutate",
        help="change each number, date and comparison word of a policy in turn, "
        "and list the changes no test case notices",
    )
    mutate_parser.add_argument("policies", nargs="*", metavar="POLICY")
    mutate_parser.add_argument("--format", choices=("text", "json"), default="text")
    mutate_parser.add_argument(
        "--jobs", type=int, default=None, help="processes; default: the number of CPUs"
    )
    mutate_parser.add_argument(
        "--line", type=int, action="append", default=[], help="only the sites on this line"
    )
    mutate_parser.add_argument(
        "--verbose", action="store_true", help="list every mutant, not only the survivors"
    )
    round_parser = commands.add_parser(
        "round",
        help="decide a funding round: every application, then pools, quotas and selections "
        "(docs/round-format.md)",
    )
    round_parser.add_argument("round_file", type=Path, metavar="ROUND.yaml")
    round_parser.add_argument(
        "--out", type=Path, default=None, help="output folder; default: round-<batch_id>/"
    )
    round_parser.add_argument(
        "--engine",
        choices=("pydatalog", "duckdb", "auto"),
        default="auto",
        help="auto (default): DuckDB, which decides many applicants at once",
    )
    round_parser.add_argument(
        "--record",
        type=Path,
        metavar="LOG",
        default=None,
        help="append the whole round (applications, decisions, allocation) to this audit log "
        "as one entry, before any output file is written (docs/audit-log.md)",
    )
    round_parser.add_argument(
        "--by", default=None, help="who records it (with --record); default: the OS user"
    )
    round_parser.add_argument(
        "--jobs",
        type=positive_count,
        default=None,
        metavar="N",
        help="processes deciding the round's chunks side by side; default: one per core "
        "(a round of one chunk is decided in this process)",
    )
    coverage_parser.add_argument(
        "--strict",
        action="store_true",
        help="count an article only when it is among the reasons "
        "for an outcome, not merely shown in the explanation",
    )
    coverage_parser.add_argument(
        "--by",
        choices=("article", "condition"),
        default="article",
        help="article: the articles cited by rules; condition: each condition, amount step and "
        "cap, with the cases deciding it each way",
    )
    coverage_parser.add_argument(
        "--verbose",
        action="store_true",
        help="list the rules and cases of every article, not only of the flagged ones",
    )
    lsp_parser = commands.add_parser(
        "lsp", help="run the language server for policy files on stdin/stdout (docs/editor.md)"
    )
    lsp_parser.add_argument(
        "--stdio",
        action="store_true",
        help="accepted for editors that pass it (stdio is the default)",
    )
    lsp_parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="hover language")
    fmt_parser = commands.add_parser(
        "fmt", help="lay policy files out in the canonical layout (docs/tools.md)"
    )
    fmt_parser.add_argument(  # no default: it would rewrite an installed package's policies
        "policies", type=Path, nargs="+", metavar="FILE", help="policy file or folder"
    )
    fmt_parser.add_argument(
        "--check", action="store_true", help="change nothing; exit 1 naming the files that would"
    )
    fmt_parser.add_argument(
        "--diff", action="store_true", help="change nothing; print the changes as a diff"
    )
    lint_parser = commands.add_parser(
        "lint", help="print the warnings (W04xx) of policy files (docs/tools.md)"
    )
    lint_parser.add_argument(
        "policies", type=Path, nargs="*", metavar="FILE",
        help="policy file or folder; default: the shipped policies",
    )  # fmt: skip
    fields_parser = commands.add_parser(
        "fields",
        help="list every fact a programme reads: type, articles, who supplies it (docs/fields.md)",
    )
    fields_parser.add_argument(
        "--programme", action="append", default=[], metavar="ID", help="repeatable; default: all"
    )
    fields_parser.add_argument(
        "--policy",
        type=Path,
        action="append",
        default=None,
        help="policy file (repeatable); default: every file in policies/",
    )
    fields_parser.add_argument("--lang", choices=("zh", "en"), default="zh")
    fields_parser.add_argument("--format", choices=("text", "json"), default="text")
    fields_parser.add_argument(
        "--template",
        action="store_true",
        help="print an applicant file to fill in (JSON) with every fact the programmes read",
    )
    from eligibility.audit.cli import add_audit_parser

    add_audit_parser(commands)
    return parser


def exit_now(code: int) -> NoReturn:
    """End a command-line run (see `streams.finish`)."""
    streams.finish(code)


class _Process:
    one_shot = False  # set by the entry points: the process ends after its one command


def eligibility_entry() -> NoReturn:
    """The `eligibility` console script, `python -m eligibility` and `python cli.py`."""
    _Process.one_shot = True
    if sys.argv[1:2] == ["check"]:
        _one_check_then_exit()
    exit_now(main())


def check_entry() -> NoReturn:
    """The `check` console script."""
    _Process.one_shot = True
    _one_check_then_exit()
    exit_now(check_main())


def _one_check_then_exit() -> None:
    """One applicant, then the process ends: the cyclic collector would only walk the modules
    being imported, the decoded policies and the engine's contexts again and again (~10 % of a
    cold check) to free memory the exit frees anyway; the records budget bounds what a check
    holds. Paused from the start (the imports alone ran ~20 collections)."""
    import gc

    gc.disable()


def main(argv: list[str] | None = None) -> int:
    return _guarded(parse_arguments(argv))


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line parsed, as by the parser of every command (see `_parser`)."""
    words = sys.argv[1:] if argv is None else argv
    if words[:1] == ["check"]:
        args, unknown = _parser(only_check=True).parse_known_args(argv)
        if not unknown:
            return args
    return _parser().parse_args(argv)  # words left over: reported with every command's usage


def check_main(argv: list[str] | None = None) -> int:
    """The `check` console script: `check applicant.json --explain`."""
    parser = _Parser(prog="check", description="check an applicant against policies")
    _add_check_arguments(parser)
    args = parser.parse_args(argv)
    args.command = "check"
    return _guarded(args)


def _guarded(args: argparse.Namespace) -> int:
    from eligibility.audit.errors import AuditError
    from eligibility.diagnostics import DiagnosticError, PolicyFileError, render_all

    try:
        streams.prepare()
        return _COMMANDS[args.command](args)
    except BrokenPipeError:
        return EXIT_BROKEN_PIPE
    except streams.OutputError as error:
        print(f"error: cannot write the output: {error}", file=sys.stderr)
        return EXIT_OUTPUT
    except OSError as error:
        if error.filename is not None:  # a file named on the command line: the user's to fix
            print(f"error: cannot read {error.filename}: {error.strerror}", file=sys.stderr)
            return EXIT_INPUT
        print(streams.describe(error), file=sys.stderr)
        return EXIT_OUTPUT
    except AuditError as error:  # `check --record` and `audit`: their own codes (audit/errors.py)
        print(error, file=sys.stderr)
        return error.exit_code
    except DiagnosticError as error:
        print(render_all(error), file=sys.stderr)
        return EXIT_POLICY
    except PolicyFileError as error:
        print(error, file=sys.stderr)
        return EXIT_POLICY
    except Exception as error:  # the last line of defence: no traceback for users
        if os.environ.get("ELIGIBILITY_DEBUG"):
            raise
        print(
            f"internal error: {type(error).__name__}: {error}\n"
            "(set ELIGIBILITY_DEBUG=1 for a traceback, and please report it)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


def _test(args: argparse.Namespace) -> int:
    from eligibility.policytests.commands import test_command

    return test_command(args.policies, args.format)


def _coverage(args: argparse.Namespace) -> int:
    from eligibility.policytests.commands import coverage_command

    return coverage_command(args.policies, args.format, args.strict, args.verbose, args.by)


def _mutate(args: argparse.Namespace) -> int:
    from eligibility.policytests.commands import mutate_command

    return mutate_command(args.policies, args.format, args.jobs, args.line, args.verbose)


def _fmt(args: argparse.Namespace) -> int:
    from eligibility.fmt import fmt_command

    return fmt_command(args.policies, args.check, args.diff)


def _lint(args: argparse.Namespace) -> int:
    from eligibility.lint import lint_command

    return lint_command(args.policies)


def _fields(args: argparse.Namespace) -> int:
    from eligibility.fields_cli import fields_command

    paths = _policy_paths(args.policy)
    return fields_command(paths, args.programme, args.lang, args.format, args.template)


def _round(args: argparse.Namespace) -> int:
    from eligibility.round.command import round_command

    return round_command(args.round_file, args.out, args.engine, args.record, args.by, args.jobs)


def _lsp(args: argparse.Namespace) -> int:
    try:
        from eligibility.editor.server import serve
    except ImportError as error:  # pygls and lsprotocol: the optional extra `lsp`
        print(
            f"error: `eligibility lsp` needs pygls, which cannot be imported ({error});\n"
            "install it with: pip install 'eligibility[lsp]'",
            file=sys.stderr,
        )
        return EXIT_UNAVAILABLE
    return serve(args.lang)


def _policy_paths(paths: list[Path] | None) -> tuple[Path, ...]:
    from eligibility.compiler import policy_files
    from eligibility.diagnostics import PolicyFileError

    chosen = tuple(paths) if paths else policy_files()
    for path in chosen:
        if not path.is_file():
            raise PolicyFileError(f"error: no policy file {path}")
    return chosen


def _policies(paths: list[Path] | None) -> tuple[PolicySource, ...]:
    from eligibility.compiler import load_policy_lazily

    return tuple(load_policy_lazily(path) for path in _policy_paths(paths))


def _refuse(errors: tuple[InputError, ...], args: argparse.Namespace) -> int:
    """Input errors, as JSON on stdout or as lines on stderr: exit 2, nothing decided."""
    if args.format == "json":
        from eligibility.render.json import dumps, errors_json

        print(dumps(errors_json(errors)))
    else:
        from eligibility.render import text

        _emit(text.error_lines(errors, str(args.applicant)), sys.stderr)
    return EXIT_INPUT


def _check(args: argparse.Namespace) -> int:
    if _Process.one_shot:
        _one_check_then_exit()
    from eligibility.facts import vocabulary

    policies = _policies(args.policy)
    # the applicant file is read against the facts these policies declare, and so is the output
    own = (source.gates().policy.vocabulary for source in policies)
    with vocabulary.using(vocabulary.for_policies(own)):
        return _check_with(args, policies)


def _check_with(args: argparse.Namespace, policies: tuple[PolicySource, ...]) -> int:
    from eligibility.facts.validate import load_applicant
    from eligibility.render import text

    applicant = load_applicant(
        args.applicant, as_of=args.as_of, assessment_year=args.assessment_year
    )
    if isinstance(applicant, tuple):
        return _refuse(applicant, args)
    from eligibility.evaluate import InterpretationError, choose_engine, decide
    from eligibility.facts.limits import pydatalog_budget_errors

    engine = choose_engine(args.engine, applicant)
    too_big = pydatalog_budget_errors(applicant) if engine == "pydatalog" else ()
    if too_big:
        return _refuse(too_big, args)
    try:
        decision = decide(policies, applicant, engine)
    except InterpretationError as error:
        if args.format == "json":
            from eligibility.facts.model import InputError
            from eligibility.render.json import dumps, errors_json

            path, _, message = str(error).partition(": ")
            print(dumps(errors_json((InputError(error.code, path, message),))))
        else:
            print(f"error: {args.applicant}: {error}", file=sys.stderr)
        return EXIT_INPUT
    if args.report is not None:  # written before anything is printed or recorded
        failed = write_report(args.report, decision, applicant, args.lang)
        if failed:
            return failed
    if args.record is not None:  # recorded before anything is printed (docs/audit-log.md)
        from eligibility.audit.cli import record_from_check

        own = tuple(source.gates().policy.vocabulary for source in policies)
        record_from_check(args, decision, engine, _policy_paths(args.policy), own)
    if args.format == "json":
        from eligibility.render.json import decision_json, dumps

        print(dumps(decision_json(decision, args.lang)))
    else:
        from eligibility.render.checklist import missing_blocks

        checklist = missing_blocks(decision, args.lang)  # what is missing, last
        if args.explain:
            _emit(text.explain_blocks(decision, args.lang) + checklist, sys.stdout, wrap=True)
        else:
            _emit(text.summary_lines(decision, args.lang), sys.stdout)
            if checklist:
                _emit(checklist, sys.stdout, wrap=True)
    return EXIT_OK


def write_report(target: Path, decision: Decision, applicant: ApplicantFacts, lang: Lang) -> int:
    """The decision report (render/report.py) as a page, or as a PDF printed by Chromium:
    0, or EXIT_NO_PDF with the reason on stderr; a file that cannot be written is OutputError."""
    from eligibility.render.report import applicant_profile, decision_page

    profile = applicant_profile(applicant, decision.applicant_name)
    pdf = target.suffix.lower() == ".pdf"
    page = decision_page(decision, profile, lang, opened=pdf)
    try:
        if not pdf:
            target.write_text(page, encoding="utf-8")
            return EXIT_OK
        from eligibility.render.pdf import NoPdfEngine, write_pdf

        try:
            write_pdf(page, target)
        except NoPdfEngine as error:
            print(error, file=sys.stderr)
            return EXIT_NO_PDF
        return EXIT_OK
    except OSError as error:
        raise streams.OutputError(f"the report {target}: {error.strerror or error}") from None


def _audit(args: argparse.Namespace) -> int:
    """`eligibility audit <verb>`: each verb's handler is set by `audit.cli.add_audit_parser`."""
    code: int = args.audit_command(args)
    return code


def _emit(lines: list, stream, wrap: bool = False) -> None:  # type: ignore[no-untyped-def,type-arg]
    from eligibility.render.text import plain, plain_blocks

    if stream.isatty() and not os.environ.get("NO_COLOR"):
        from eligibility.render.terminal import print_lines

        print_lines(lines)
    elif wrap:  # a file or a pipe: a fixed width, so the text does not depend on the terminal
        width = None
        if stream.isatty():  # NO_COLOR on a terminal (shutil: ~3 ms a check would pay)
            import shutil

            width = shutil.get_terminal_size().columns
        stream.write(plain_blocks(lines, width) if width else plain_blocks(lines))
    else:
        stream.write(plain(lines))


def _compile(paths: list[Path], print_program: bool = False) -> int:
    from eligibility.compiler import compile_text_with_warnings, policy_files
    from eligibility.diagnostics import PolicyFileError, render_warnings
    from eligibility.resources import policy_display_name
    from eligibility.syntax.source import decode_policy

    for path in paths or policy_files():
        if not path.is_file():
            raise PolicyFileError(f"error: no policy file {path}")
        shown = policy_display_name(path)
        text = decode_policy(path.read_bytes(), shown)
        compiled, warnings = compile_text_with_warnings(text, shown)
        if warnings:
            print(render_warnings(warnings, text), file=sys.stderr)
        policy = compiled.policy
        print(
            f"{shown}: {policy.document_number} · {len(policy.programmes)} programme(s), "
            f"{len(policy.record_sets)} record set(s), {len(compiled.program.clauses)} Datalog clauses"
        )
        if print_program:
            from eligibility.datalog.text import program_text

            print(program_text(compiled.program), end="")
    return EXIT_OK


_COMMANDS = {
    "check": _check,
    "compile": lambda args: _compile(args.policies, args.print_program),
    "test": _test,
    "coverage": _coverage,
    "mutate": _mutate,
    "audit": _audit,
    "round": _round,
    "lsp": _lsp,
    "fmt": _fmt,
    "lint": _lint,
    "fields": _fields,
}
