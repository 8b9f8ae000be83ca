"""Core commands: validate, score, new-client."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..answers import ClientAnswers, blank_answers_yaml, check_unique_client_ids, load_answers
from ..assessment import Assessment, assess
from ..batch import BATCH_NAMES, expand_client_paths
from ..errors import AnswersError, ModelError, Problem
from ..i18n import LANGUAGES
from ..io.files import atomic_write
from ..io.yamlfile import read_yaml_file
from ..model import MaturityModel, load_model, parse_model
from ..respondents import ClientResponses, gather_responses, load_client, load_responses


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="check answers files (or a model file) and list every problem")
    p.add_argument("files", nargs="*", type=Path,
                   help="answers YAML files, client folders (one file per respondent) or folders of clients; "
                        "files of one client with respondent blocks are checked together; a model YAML is "
                        "recognised and checked as a model")
    _model_arg(p)
    p.add_argument("--strict", action="store_true", help="treat warnings (e.g. unanswered questions) as errors")
    p.set_defaults(handler=cmd_validate)

    p = sub.add_parser("score", help="score one client and print the result")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE",
                   help="the client's answers YAML; or its folder, or several answers files of it (one per "
                        "respondent): their consensus, with where they disagree")
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
    loaded: list[ClientAnswers | ClientResponses] = []
    for path in expand_client_paths(args.files):
        if path.is_dir():
            failed |= _validate_folder(path, model, args.strict, loaded)
            continue
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
    clients, group_failed = _respondent_groups(loaded)
    duplicates = check_unique_client_ids(clients, reserved=BATCH_NAMES)  # type: ignore[arg-type]
    if duplicates:
        failed = True
        _print_problems(duplicates)
    return 1 if failed or group_failed else 0


def _validate_folder(folder: Path, model: MaturityModel, strict: bool,
                     loaded: list[ClientAnswers | ClientResponses]) -> bool:
    """Check a client folder (one file per respondent) as one client; True when it fails."""
    try:
        team = load_responses(folder, model)
    except AnswersError as exc:
        print(f"INVALID {folder}", file=sys.stderr)
        _print_problems(exc.problems)
        return True
    loaded.append(team)
    _print_team(team, folder, model)
    return bool(strict and team.warnings)


def _print_team(team: ClientResponses, where: Path | str, model: MaturityModel) -> None:
    n_questions = len(model.questions)
    counts = ", ".join(f"{team.info(a).id} {len(a.answers)}/{n_questions}" for a in team.respondents)
    print(f"{'WARN   ' if team.warnings else 'OK     '} {where} ({team.client.id}: {len(team.respondents)} "
          f"respondents; answered {counts})")
    _print_problems(list(team.warnings))


def _respondent_groups(loaded: list[ClientAnswers | ClientResponses]) -> tuple[list[ClientAnswers | ClientResponses],
                                                                               bool]:
    """Answers files given one by one that share a client id and each name their
    respondent, checked together as one client (their disagreements printed); the
    clients to check for clashing ids, each group counted once. True when a group fails."""
    by_id: dict[str, list[ClientAnswers]] = {}
    for item in loaded:
        if isinstance(item, ClientAnswers) and item.respondent is not None:
            by_id.setdefault(item.client.id, []).append(item)
    grouped = {cid: files for cid, files in by_id.items() if len(files) > 1}
    out: list[ClientAnswers | ClientResponses] = []
    failed = False
    for item in loaded:
        files = grouped.get(item.client.id) if isinstance(item, ClientAnswers) else None
        if files is None or item.respondent is None:  # type: ignore[union-attr]
            out.append(item)
        elif item is files[0]:
            try:
                team = gather_responses(files)
            except AnswersError as exc:
                failed = True
                print(f"INVALID client {item.client.id} ({len(files)} respondents' files)", file=sys.stderr)
                _print_problems([p for p in exc.problems if p.severity == "error"])
                out.append(item)
                continue
            print(f"OK      client {team.client.id}: {len(files)} respondents checked together")
            out.append(team)
    return out, failed


def cmd_score(args: argparse.Namespace) -> int:
    model = load_model(args.model)
    result = assess(model, load_client(args.files, model), lang=args.lang)
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
    lines += _respondent_lines(result)
    sim = result.similarity
    if sim is not None:
        bench = next(b for b in result.model.benchmarks if b.id == sim.benchmark)
        lines.append(f"  cohort similarity (indicative): P({bench.cohort(sim.leading).name.get(result.lang)}) = "
                     f"{sim.posterior_leading:.2f} over {sim.items_used} items")
    lines.append("  roadmap:")
    for step, row in result.roadmap.iterrows():
        lines.append(f"    {step:2d}. " + (f"[{row['phase']}] " if row["phase"] else "") + row["title"])
    return "\n".join(lines)


def _respondent_lines(result: Assessment) -> list[str]:
    """Several respondents: who they are, how far they agree and how firm the level is."""
    team = result.respondents
    if team is None:
        return []
    scale = result.model.score_scale
    rob = team.robustness
    people = ", ".join(f"{p['label']} {scale.format(p['overall'])}" if p["role"] not in team.hidden_roles
                       else str(p["label"]) for _, p in team.people.iterrows())
    alpha = "-" if team.agreement != team.agreement else f"{team.agreement:.2f}"
    lines = [f"  respondents: {team.count} ({team.consensus.rule} of their answers): {people}",
             f"  agreement (Krippendorff's alpha, {team.agreement_metric}): {alpha}"]
    if team.count > 1:
        movers = ", ".join(team.people.loc[rob.movers, "label"]) or "none"
        lines.append(f"  {rob.confidence:.0%} interval over resampled respondents: {scale.format(rob.interval[0])}-"
                     f"{scale.format(rob.interval[1])}; the level holds in {rob.level_share:.0%} of resamples; "
                     f"leaving out one respondent moves it: {movers}")
    for qid, row in team.contested(3).iterrows():
        lines.append(f"  contested: {qid} (answers {row['min']:.0%}-{row['max']:.0%} of full points)")
    return lines


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
