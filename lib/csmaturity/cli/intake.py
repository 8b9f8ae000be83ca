"""Excel intake commands: intake-template, import-intake."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import AnswersError
from ..i18n import LANGUAGES
from ..intake import read_intake, write_answers, write_intake_template
from ..model import load_model


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("intake-template", help="write the questionnaire as an Excel workbook with dropdowns")
    p.add_argument("--lang", choices=LANGUAGES,
                   help="language of the form, one of the model's (default: the model's first language)")
    p.add_argument("--out", type=Path, required=True, help="workbook to write (.xlsx)")
    p.add_argument("--client-id", default="", help="pre-fill the client id")
    p.add_argument("--model", type=Path, help="maturity model YAML (default: the shipped model)")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(handler=cmd_intake_template)

    p = sub.add_parser("import-intake", help="read a filled intake workbook into a validated answers YAML")
    p.add_argument("file", type=Path, help="the filled workbook (.xlsx)")
    p.add_argument("--out", type=Path, required=True, help="answers YAML to write")
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


def cmd_intake_template(args: argparse.Namespace) -> int:
    if _refuse_overwrite(args.out, args.force):
        return 1
    model = load_model(args.model)
    write_intake_template(model, args.out, lang=args.lang, client_id=args.client_id)
    print(f"wrote {args.out} ({model.id} {model.version}, {len(model.questions)} questions, "
          f"{args.lang or model.languages[0]})")
    return 0


def cmd_import_intake(args: argparse.Namespace) -> int:
    if _refuse_overwrite(args.out, args.force):
        return 1
    model = load_model(args.model)
    try:
        answers = read_intake(args.file, model, allow_blank=args.allow_blank)
    except AnswersError as exc:
        print(f"INVALID {args.file}", file=sys.stderr)
        for p in exc.problems:
            print(f"  - {p}", file=sys.stderr)
        return 1
    write_answers(model, answers, args.out)
    for p in answers.warnings:
        print(f"  - {p}", file=sys.stderr)
    print(f"wrote {args.out} ({answers.client.id}: {len(answers.answers)}/{len(model.questions)} answered)")
    return 0
