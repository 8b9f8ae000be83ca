"""Core commands: validate, score, new-client."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..answers import ClientAnswers, blank_answers_yaml, check_unique_client_ids, load_answers
from ..assessment import Assessment, assess
from ..batch import BATCH_NAMES
from ..errors import AnswersError, ModelError, Problem
from ..i18n import LANGUAGES
from ..io.files import atomic_write
from ..io.yamlfile import read_yaml_file
from ..model import load_model, parse_model


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="check answers files (or a model file) and list every problem")
    p.add_argument("files", nargs="*", type=Path,
                   help="answers YAML files; a model YAML is recognised and checked as a model")
    _model_arg(p)
    p.add_argument("--strict", action="store_true", help="treat warnings (e.g. unanswered questions) as errors")
    p.set_defaults(handler=cmd_validate)

    p = sub.add_parser("score", help="score one client and print the result")
    p.add_argument("file", type=Path, help="the client's answers YAML")
    _model_arg(p)
    p.add_argument("--json", action="store_true", help="print machine-readable JSON")
    p.add_argument("--lang", choices=LANGUAGES, help="label language (default: the client's)")
    p.set_defaults(handler=cmd_score)

    p = sub.add_parser("new-client", help="write a blank answers file from the model")
    _model_arg(p)
    p.add_argument("--lang", choices=LANGUAGES,
                   help="language of the comments and the client (default: English if the model is written in it)")
    p.add_argument("--id", default="new-client", help="client id to put in the file")
    p.add_argument("--out", type=Path, help="file to write (default: print to stdout)")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(handler=cmd_new_client)



def _model_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", type=Path, help="maturity model YAML (default: the shipped model)")


def _print_problems(problems: list[Problem]) -> None:
    for p in problems:
        print(f"  - {p}", file=sys.stderr)


def cmd_validate(args: argparse.Namespace) -> int:
    try:
        model = load_model(args.model)
    except ModelError as exc:
        print(f"INVALID model {args.model}", file=sys.stderr)
        _print_problems(exc.problems)
        return 1
    if args.model:
        print(f"OK      model {args.model} ({model.id} {model.version}: {len(model.questions)} questions)")
    failed = False
    loaded: list[ClientAnswers] = []
    for path in args.files:
        data, problems = read_yaml_file(path)
        if not problems and "questions" in data:
            try:
                other = parse_model(data, str(path))
                print(f"OK      model {path} ({other.id} {other.version}: {len(other.questions)} questions)")
            except ModelError as exc:
                failed = True
                print(f"INVALID model {path}", file=sys.stderr)
                _print_problems(exc.problems)
            continue
        try:
            answers = load_answers(path, model)
        except AnswersError as exc:
            failed = True
            print(f"INVALID {path}", file=sys.stderr)
            _print_problems(exc.problems)
            continue
        loaded.append(answers)
        warn = list(answers.warnings)
        failed |= bool(args.strict and warn)
        print(f"{'WARN   ' if warn else 'OK     '} {path} "
              f"({answers.client.id}: {len(answers.answers)}/{len(model.questions)} answered)")
        _print_problems(warn)
    duplicates = check_unique_client_ids(loaded, reserved=BATCH_NAMES)
    if duplicates:
        failed = True
        _print_problems(duplicates)
    return 1 if failed else 0


def cmd_score(args: argparse.Namespace) -> int:
    model = load_model(args.model)
    result = assess(model, load_answers(args.file, model), lang=args.lang)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(format_assessment(result))
    return 0


def format_assessment(result: Assessment) -> str:
    """A plain-text summary for the terminal."""
    card = result.scorecard
    scale = result.model.score_scale
    lines = [
        f"{result.answers.client.name} ({result.client_id})",
        f"  overall {scale.format(card.overall)} on {scale.min:g}-{scale.max:g} -> {card.level.name.get(result.lang)}"
        + (" (provisional: many questions unanswered)" if card.provisional else ""),
    ]
    for g in card.held_back_by:
        lines.append(f"  held back from {g.level}: {g.dimension} scores {scale.format(g.score)}, needs {g.required:g}")
    dims = result.dimension_table()
    width = max(len(str(name)) for name in dims["name"])
    for name, weight, value in zip(dims["name"], dims["weight"], dims["score"], strict=True):
        shown = "-" if value != value else scale.format(value)  # NaN: no known answer
        lines.append(f"  {name:<{width}}  weight {weight:g}  {shown:>6}"
                     + ("  (no known answer: left out of the overall)" if value != value else ""))
    sim = result.similarity
    if sim is not None:
        bench = next(b for b in result.model.benchmarks if b.id == sim.benchmark)
        lines.append(f"  cohort similarity (indicative): P({bench.cohort(sim.leading).name.get(result.lang)}) = "
                     f"{sim.posterior_leading:.2f} over {sim.items_used} items")
    lines.append("  roadmap:")
    for step, row in result.roadmap.iterrows():
        lines.append(f"    {step:2d}. " + (f"[{row['phase']}] " if row["phase"] else "") + row["title"])
    return "\n".join(lines)


def cmd_new_client(args: argparse.Namespace) -> int:
    model = load_model(args.model)
    lang = args.lang or ("en" if "en" in model.languages else model.languages[0])
    text = blank_answers_yaml(model, lang, args.id)
    if args.out is None:
        sys.stdout.write(text)
        return 0
    if args.out.exists() and not args.force:
        print(f"error: {args.out} exists; pass --force to overwrite it", file=sys.stderr)
        return 1
    atomic_write(args.out, text)
    print(f"wrote {args.out}")
    return 0
