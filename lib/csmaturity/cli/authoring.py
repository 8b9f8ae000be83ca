"""Model authoring commands: ``model export``, ``model import``, ``model schema``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..errors import ModelError
from ..i18n import LANGUAGES
from ..io.files import atomic_write
from ..model import load_model

# The authoring package (openpyxl) is imported by the commands that use it: every
# command of the CLI loads this module.


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("model", help="edit the maturity model as a workbook; print its JSON Schema for editors")
    actions = p.add_subparsers(dest="model_action", required=True, metavar="ACTION")

    a = actions.add_parser("export", help="write the model as an Excel workbook to edit")
    a.add_argument("--xlsx", type=Path, required=True, help="workbook to write (.xlsx)")
    a.add_argument("--model", type=Path, help="maturity model YAML (default: the shipped model)")
    a.add_argument("--lang", choices=LANGUAGES,
                   help="language of the workbook's read-me sheet (default: the model's first language)")
    a.add_argument("--force", action="store_true", help="overwrite an existing file")
    a.set_defaults(handler=cmd_export)

    a = actions.add_parser("import", help="read an edited model workbook, validate it and write the model YAML")
    a.add_argument("file", type=Path, help="the edited workbook (.xlsx)")
    a.add_argument("--out", type=Path, required=True, help="model YAML to write")
    a.add_argument("--force", action="store_true", help="overwrite an existing file")
    a.set_defaults(handler=cmd_import)

    a = actions.add_parser("schema", help="print the JSON Schema of the model file (for editors' completion)")
    a.add_argument("--out", type=Path, help="file to write (replaced if it exists; default: print to stdout)")
    a.set_defaults(handler=cmd_schema)


def _refuse_overwrite(path: Path, force: bool) -> bool:
    if path.exists() and not force:
        print(f"error: {path} exists; pass --force to overwrite it", file=sys.stderr)
        return True
    return False


def cmd_export(args: argparse.Namespace) -> int:
    from ..authoring import write_model_workbook

    if _refuse_overwrite(args.xlsx, args.force):
        return 1
    model = load_model(args.model)
    write_model_workbook(model, args.xlsx, lang=args.lang)
    print(f"wrote {args.xlsx} ({model.id} {model.version}: {len(model.questions)} questions); "
          f"edit it, then: csmaturity model import {args.xlsx} --out model.yaml")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from ..authoring import model_yaml, read_model_workbook

    if _refuse_overwrite(args.out, args.force):
        return 1
    try:
        model = read_model_workbook(args.file)
    except ModelError as exc:
        print(f"INVALID model workbook {args.file}", file=sys.stderr)
        for p in exc.problems:
            print(f"  - {p}", file=sys.stderr)
        return 1
    atomic_write(args.out, model_yaml(model))
    print(f"wrote {args.out} ({model.id} {model.version}: {len(model.questions)} questions)")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from ..authoring import model_json_schema

    text = json.dumps(model_json_schema(), ensure_ascii=False, indent=2) + "\n"
    if args.out is None:
        sys.stdout.write(text)
        return 0
    atomic_write(args.out, text)
    print(f"wrote {args.out}")
    return 0
