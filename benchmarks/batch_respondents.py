"""A batch client with 5 respondents against one with a single respondent, per client
(run: ``.venv/bin/python benchmarks/batch_respondents.py``).

    python benchmarks/batch_respondents.py [--n 8] [--respondents 5] [--rounds 3]

Writes N synthetic clients twice: once as a client folder of R respondents' files (each
respondent's answers drawn as another synthetic client's; every respondent named and
shown, so that every part of the report is drawn), once as one answers file holding
the team's answer (:func:`csmaturity.combine`) under its own id. Both reports then
carry the same scores, recommendations and roadmap: the difference is what several
respondents cost (their files, the analysis, the report's section and sheets).

Each round runs every client once through the batch runner's own step
(:func:`csmaturity.batch.run_client`, direct engine, in this process: reading,
assessing, charts, HTML, workbook, results JSON), the two kinds alternating, so that a
busy spell of a shared machine slows both alike. A warm-up pays the per-process start.

Prints the median seconds per client of each kind, wall clock and CPU, and the ratio
of the medians against the target of issue 15 (at most 1.3); CPU time is the steadier
on a shared machine. This is a benchmark, not a test: nothing fails.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

RATIO_TARGET = 1.3
ROLES = ("CEO", "CS head", "Sales head", "Support lead", "CS manager")


def write_clients(root: Path, n: int, respondents: int) -> tuple[list[Path], list[Path]]:
    """``n`` single-respondent files and ``n`` client folders of ``respondents`` files."""
    from csmaturity import combine, load_client
    from csmaturity.io.yamlfile import dump_yaml
    from csmaturity.model import load_model
    from csmaturity.synth import synthetic_clients

    model = load_model()
    drawn = list(synthetic_clients(model, n * respondents, seed=3))
    singles, teams = [], []
    for k in range(n):
        group = drawn[k * respondents:(k + 1) * respondents]
        client = group[0]["client"]
        folder = root / "teams" / f"{client['id']}-team"
        folder.mkdir(parents=True)
        for r, data in enumerate(group):
            block = {"id": f"r{r}", "role": ROLES[r % len(ROLES)], "name": f"Person {r}", "anonymous": False}
            (folder / f"r{r}.yaml").write_text(dump_yaml({"client": {**client, "id": folder.name}, "model": model.ref,
                                                          "respondent": block, "answers": data["answers"]}),
                                               encoding="utf-8")
        teams.append(folder)
        team = combine(model, load_client(folder, model)).answers.answers  # type: ignore[arg-type]
        # A multi choice whose options no half of the team ticked is no answer a file can give.
        answer = {qid: value for qid, value in team.items() if value != []}
        single = root / "singles" / f"{client['id']}.yaml"
        single.parent.mkdir(parents=True, exist_ok=True)
        single.write_text(dump_yaml({"client": client, "model": model.ref, "answers": answer}), encoding="utf-8")
        singles.append(single)
    return singles, teams


def timed(client: Path, out: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of one client through the batch runner's step."""
    from csmaturity.batch import ClientJob, run_client

    wall, cpu = time.perf_counter(), time.process_time()
    outcome = run_client(ClientJob(client_file=str(client), out_dir=str(out)))
    assert outcome.status == "ok", outcome.error
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=8, help="clients of each kind")
    parser.add_argument("--respondents", type=int, default=5, help="respondents of each client folder")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over every client")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        singles, teams = write_clients(tmp, args.n, args.respondents)
        timed(singles[0], tmp / "warm-up")
        timed(teams[0], tmp / "warm-up")
        times: dict[str, list[tuple[float, float]]] = {"single": [], "team": []}
        for r in range(args.rounds):
            for single, team in zip(singles, teams, strict=True):
                times["single"].append(timed(single, tmp / f"round{r}"))
                times["team"].append(timed(team, tmp / f"round{r}"))
        wall = {kind: statistics.median(t[0] for t in runs) for kind, runs in times.items()}
        cpu = {kind: statistics.median(t[1] for t in runs) for kind, runs in times.items()}
        print(f"{args.n} clients of each kind x {args.rounds} rounds, direct engine, one process; medians")
        print(f"1 respondent:               wall {wall['single']:6.3f} s/client   CPU {cpu['single']:6.3f} s/client")
        print(f"{args.respondents} respondents (a folder):  wall {wall['team']:6.3f} s/client   "
              f"CPU {cpu['team']:6.3f} s/client")
        print(f"ratio {args.respondents} / 1:                wall {wall['team'] / wall['single']:6.2f}          "
              f"CPU {cpu['team'] / cpu['single']:6.2f}   (target <= {RATIO_TARGET:g})")


if __name__ == "__main__":
    main()
