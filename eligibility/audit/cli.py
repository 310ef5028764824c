"""The `eligibility audit …` commands and `check --record`: argument parsing and wiring only.

Exit codes (docs/audit-log.md): 0 ok; 1 `verify` or `replay` found a problem; 2 no such log,
not a log, a bad key or checkpoint, an unknown entry id; `check --record`: 6 the decision could
not be recorded (whatever the reason, a file that is not a log included), and then nothing is
printed. Imports of the audit modules stay inside the
handlers: `eligibility --help` and `check` without `--record` do not pay for them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eligibility.audit.errors import EXIT_FINDING

if TYPE_CHECKING:
    from eligibility.decision.proof import Decision
    from eligibility.facts.vocabulary import Declarations


def record_from_check(
    args: argparse.Namespace,
    decision: Decision,
    engine: str,
    policy_paths: tuple[Path, ...],
    vocabularies: tuple[Declarations, ...],
) -> None:
    """Record a `check` before it prints anything; raises AuditError when it cannot.
    `vocabularies`: each policy's own facts as applied (the stored facts files must give them)."""
    from eligibility.audit.errors import LogInputError, NotRecordedError
    from eligibility.audit.record import Context, read_policies, record_check

    try:
        applicant = args.applicant.read_bytes()
        policies = read_policies(policy_paths, vocabularies)
    except OSError as error:
        raise NotRecordedError(
            f"error: cannot read {error.filename} again to record it: {error.strerror}"
        ) from None
    context = Context(args.as_of, args.assessment_year, args.engine, engine, args.lang)
    try:
        record_check(
            args.record, applicant, str(args.applicant), decision, policies, context, args.by
        )
    except LogInputError as error:  # for `check`, 2 means a bad applicant file: one code, 6
        raise NotRecordedError(str(error)) from None


def add_audit_parser(commands: Any) -> None:
    audit = commands.add_parser(
        "audit", help="verify, checkpoint, replay and read an audit log (docs/audit-log.md)"
    )
    sub = audit.add_subparsers(dest="audit_name", required=True, parser_class=type(audit))
    verify = sub.add_parser("verify", help="recompute the hash chain; exit 1 on any problem")
    verify.add_argument("log", type=Path)
    verify.add_argument("--checkpoint", type=Path, help="also check against this checkpoint")
    verify.add_argument(
        "--public-key", type=Path, help="require the checkpoint to be signed by this key (PEM)"
    )
    verify.set_defaults(audit_command=_verify)
    point = sub.add_parser("checkpoint", help="print the log's head (entry count and hash)")
    point.add_argument("log", type=Path)
    point.add_argument("--key", type=Path, help="sign it with this Ed25519 private key (PEM)")
    point.add_argument("--out", type=Path, help="write it to this file instead of stdout")
    point.set_defaults(audit_command=_checkpoint)
    keygen = sub.add_parser("keygen", help="make an Ed25519 key pair for signing checkpoints")
    keygen.add_argument("--out", type=Path, required=True, help="private key file; KEY.pub too")
    keygen.set_defaults(audit_command=_keygen)
    replay = sub.add_parser("replay", help="decide entries again from their stored inputs")
    replay.add_argument("log", type=Path)
    replay.add_argument("ids", type=int, nargs="*", metavar="ID", help="default: every entry")
    replay.add_argument(
        "--policy",
        type=Path,
        action="append",
        default=[],
        help="apply this policy file instead of the stored text of the same document",
    )
    replay.add_argument("--engine", choices=("pydatalog", "duckdb"), default=None)
    replay.set_defaults(audit_command=_replay)
    show = sub.add_parser("show", help="print a stored decision exactly as check printed it")
    show.add_argument("log", type=Path)
    show.add_argument("id", type=int, metavar="ID")
    show.add_argument("--explain", action="store_true")
    show.add_argument("--format", choices=("text", "json"), default="text")
    from eligibility.commands import report_path

    show.add_argument(
        "--report",
        type=report_path,
        metavar="FILE",
        default=None,
        help="also write the decision report (FILE.html or FILE.pdf, docs/decision-report.md) "
        "of a check entry, decided again from its stored inputs and identical to the record",
    )
    show.set_defaults(audit_command=_show)
    listing = sub.add_parser("list", help="list entries, by applicant or programme")
    listing.add_argument("log", type=Path)
    listing.add_argument("--applicant", help="only entries deciding this applicant id")
    listing.add_argument(
        "--programme", help="only results whose programme, title or policy id contains this text"
    )
    listing.set_defaults(audit_command=_list)


def _verify(args: argparse.Namespace) -> int:
    from eligibility.audit import store
    from eligibility.audit.verify import report_lines, verify

    with store.reading(args.log) as connection:
        verdict = verify(connection)
    if args.checkpoint is not None:
        import dataclasses

        from eligibility.audit.checkpoint import check

        found = check(verdict, args.checkpoint, args.public_key)
        verdict = dataclasses.replace(verdict, problems=verdict.problems + found)
    print("\n".join(report_lines(verdict)))
    return EXIT_FINDING if verdict.problems else 0


def _checkpoint(args: argparse.Namespace) -> int:
    import json

    from eligibility.audit import store
    from eligibility.audit.checkpoint import make
    from eligibility.audit.verify import report_lines, verify

    with store.reading(args.log) as connection:
        verdict = verify(connection)
    if verdict.problems:  # a checkpoint vouches for the log: never of a broken one
        print("\n".join(report_lines(verdict)), file=sys.stderr)
        print("error: no checkpoint made: the log does not verify", file=sys.stderr)
        return EXIT_FINDING
    text = json.dumps(make(verdict, args.key), ensure_ascii=False, indent=2) + "\n"
    if args.out is None:
        sys.stdout.write(text)
    else:
        args.out.write_text(text, encoding="utf-8")
        print(f"checkpoint: {verdict.entries} entries, head {verdict.head} → {args.out}")
    return 0


def _keygen(args: argparse.Namespace) -> int:
    from eligibility.audit.checkpoint import make_key_pair

    public = make_key_pair(args.out)
    print(f"private key: {args.out} (keep it secret)\npublic key: {public}")
    return 0


def _replay(args: argparse.Namespace) -> int:
    from eligibility.audit import store
    from eligibility.audit.replay import replay, report_lines

    replacements = _replacements(args.policy)
    with store.reading(args.log) as connection:
        results = replay(connection, args.ids, replacements, args.engine)
    print("\n".join(report_lines(results)) or "the log has no entries")
    return 0 if all(r.identical for r in results) else EXIT_FINDING


def _replacements(paths: list[Path]) -> list[Any]:
    from eligibility.audit.errors import LogInputError
    from eligibility.audit.replay import Replacement
    from eligibility.compiler import compile_text
    from eligibility.resources import policy_identity
    from eligibility.syntax.source import decode_policy

    out = []
    for path in paths:
        if not path.is_file():
            raise LogInputError(f"error: no policy file {path}")
        identity, data = policy_identity(path), path.read_bytes()
        policy = compile_text(decode_policy(data, identity), identity).policy
        out.append(Replacement(policy.policy_id, identity, data))
    return out


def _show(args: argparse.Namespace) -> int:
    from eligibility.audit import store
    from eligibility.audit.browse import shown

    with store.reading(args.log) as connection:
        text = shown(connection, args.id, args.explain, args.format)
        if args.report is not None:  # written before anything is printed, as by `check`
            from eligibility.audit.replay import recorded_decision, using_own_facts
            from eligibility.commands import write_report

            decision, applicant, lang, policies = recorded_decision(connection, args.id)
            with using_own_facts(policies):  # worded as `check` worded it
                failed = write_report(args.report, decision, applicant, lang)
            if failed:
                return failed
    sys.stdout.write(text)
    return 0


def _list(args: argparse.Namespace) -> int:
    from eligibility.audit import store
    from eligibility.audit.browse import list_lines

    with store.reading(args.log) as connection:
        lines = list_lines(connection, args.applicant, args.programme)
    print("\n".join(lines) or "no entries found")
    return 0
