"""Excel intake commands: intake-template, import-intake."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..answers import ClientAnswers, RespondentInfo, load_answers
from ..errors import AnswersError, Problem, check_argument
from ..i18n import LANGUAGES
from ..io.files import safe_name
from ..model import MaturityModel, load_model
from ..respondents import client_files, gather_responses

# The intake package (openpyxl) is imported by the commands that use it: every command
# of the CLI loads this module.


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("intake-template", help="write the questionnaire as an Excel workbook with dropdowns")
    p.add_argument("--lang", choices=LANGUAGES,
                   help="language of the form, one of the model's (default: the model's first language)")
    p.add_argument("--out", type=Path, required=True, help="workbook to write (.xlsx)")
    p.add_argument("--client-id", default="", help="pre-fill the client id")
    p.add_argument("--model", type=Path, help="maturity model YAML (default: the shipped model)")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    who = p.add_argument_group("respondent", "a form for one of several people who answer for the client: it gets "
                                             "a respondent block, filled with these (one template per person)")
    who.add_argument("--respondent", metavar="NAME", help="the person's name")
    who.add_argument("--role", help="their role, e.g. 'CS head' (required with --respondent)")
    who.add_argument("--respondent-id",
                     help="their id, unique within the client (default: the name if it is shown, else the role)")
    who.add_argument("--department", help="their department")
    who.add_argument("--show-name", action="store_true",
                     help="show the name in the report (default: the role only)")
    p.set_defaults(handler=cmd_intake_template)

    p = sub.add_parser("import-intake", help="read filled intake workbooks into validated answers YAML files")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE",
                   help="the filled workbook (.xlsx); or several, one per respondent of one client")
    p.add_argument("--out", required=True,  # text: a trailing / says it is a folder
                   help="answers YAML to write; with several workbooks, or a folder (an existing one, or a path "
                        "ending in /), the client's folder: one <respondent id>.yaml per workbook, checked together "
                        "with the files already there")
    p.add_argument("--model", type=Path, help="maturity model YAML (default: the shipped model)")
    p.add_argument("--allow-blank", action="store_true",
                   help="accept blank answers (scored as unanswered) with a warning")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(handler=cmd_import_intake)


def _refuse_overwrite(path: Path, force: bool) -> bool:
    if path.exists() and not force:
        print(f"error: {path} exists; pass --force to overwrite it", file=sys.stderr)
        return True
    return False


def _respondent(args: argparse.Namespace) -> RespondentInfo | None:
    """The respondent the options name; None when none is named."""
    if not any((args.respondent, args.role, args.respondent_id, args.department)):
        return None
    check_argument(bool(args.role), "--role", "--role: a respondent's form needs their role (e.g. --role 'CS head')")
    shown_name = args.respondent if args.show_name else None
    return RespondentInfo(id=args.respondent_id or shown_name or args.role, role=args.role, name=args.respondent,
                          department=args.department, anonymous=not args.show_name)


def cmd_intake_template(args: argparse.Namespace) -> int:
    from ..intake import write_intake_template

    if _refuse_overwrite(args.out, args.force):
        return 1
    model = load_model(args.model)
    respondent = _respondent(args)
    write_intake_template(model, args.out, lang=args.lang, client_id=args.client_id, respondent=respondent)
    who = f", respondent {respondent.id} ({respondent.role})" if respondent else ""
    print(f"wrote {args.out} ({model.id} {model.version}, {len(model.questions)} questions, "
          f"{args.lang or model.languages[0]}{who})")
    return 0


def cmd_import_intake(args: argparse.Namespace) -> int:
    from ..intake import read_intake, write_answers

    out = Path(args.out)
    folder = len(args.files) > 1 or out.is_dir() or args.out.endswith(("/", os.sep))
    if not folder and _refuse_overwrite(out, args.force):
        return 1
    model = load_model(args.model)
    loaded: list[ClientAnswers] = []
    failed = False
    for path in args.files:
        try:
            loaded.append(read_intake(path, model, allow_blank=args.allow_blank))
        except AnswersError as exc:
            failed = True
            print(f"INVALID {path}", file=sys.stderr)
            for p in exc.problems:
                print(f"  - {p}", file=sys.stderr)
    if failed:
        return 1
    if folder:
        return _import_into_folder(model, loaded, out, args.force)
    (answers,) = loaded
    write_answers(model, answers, out)
    for p in answers.warnings:
        print(f"  - {p}", file=sys.stderr)
    print(f"wrote {out} ({answers.client.id}: {len(answers.answers)}/{len(model.questions)} answered)")
    return 0


def _import_into_folder(model: MaturityModel, loaded: list[ClientAnswers], folder: Path, force: bool) -> int:
    from ..intake import write_answers

    """Write each respondent's answers as ``<folder>/<respondent id>.yaml`` once they
    and the respondents already in the folder agree as one client (nothing is written
    otherwise)."""
    problems = [Problem(a.source, "respondent", "this form names no respondent: make one template per person with "
                        "`csmaturity intake-template --respondent NAME --role ROLE`")
                for a in loaded if a.respondent is None]
    targets = {a.source: folder / f"{safe_name(a.respondent.id, 'respondent')}.yaml" for a in loaded if a.respondent}
    if len(set(targets.values())) < len(targets):
        problems.append(Problem(str(folder), "respondent.id", "two workbooks name the same respondent id: "
                                + ", ".join(targets)))
    problems += [Problem(str(path), "", "exists; pass --force to overwrite it")
                 for path in targets.values() if path.exists() and not force]
    if not problems:
        kept = [p for p in client_files(folder) if p not in targets.values()] if folder.is_dir() else []
        try:
            gather_responses([*(load_answers(p, model) for p in kept), *loaded], str(folder))
        except AnswersError as exc:
            problems += [p for p in exc.problems if p.severity == "error"]
    if problems:
        print(f"INVALID {folder}", file=sys.stderr)
        for p in problems:
            print(f"  - {p}", file=sys.stderr)
        return 1
    folder.mkdir(parents=True, exist_ok=True)
    for answers in loaded:
        write_answers(model, answers, targets[answers.source])
        for p in answers.warnings:
            print(f"  - {p}", file=sys.stderr)
        print(f"wrote {targets[answers.source]} ({answers.client.id}, respondent {answers.respondent.id}: "  # type: ignore[union-attr]
              f"{len(answers.answers)}/{len(model.questions)} answered)")
    return 0
