"""How long a cold ``csmaturity report`` takes against the import floor (run:
``.venv/bin/python benchmarks/cold_report.py``).

    python benchmarks/cold_report.py [--client FILE] [--rounds 3]

Each measurement is a fresh Python process, as a consultant's first report of the day:

* *floor*: importing pandas, matplotlib, jinja2, yaml and pydantic, nothing else;
* *floor and lifelines*: the same and lifelines, which a report with accounts data fits
  its retention curve with (it brings scipy): what no report with data can do without;
* *HTML only*: ``csmaturity report CLIENT --formats html`` (the client's accounts and
  survey data included, as its answers file names them);
* *default*: the same with the default formats (HTML and the workbook, with the action
  plan's CSV and workbook).

The paths are measured in interleaved rounds and the best round is printed, because a
shared machine's speed varies from minute to minute. Target: the HTML-only cold report
within 2.5x the floor. This is a report, not a test: nothing fails.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from csmaturity import sample_path

FLOOR_IMPORTS = "import pandas, matplotlib, jinja2, yaml, pydantic"
LIFELINES_IMPORTS = FLOOR_IMPORTS + ", lifelines"
TARGET = 2.5


def timed(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--client", type=Path, default=sample_path("clients/hikari-cloud.yaml"),
                        help="answers file (default: the sample client hikari-cloud, with its data)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    python = sys.executable
    report = [python, "-m", "csmaturity", "report", str(args.client)]
    runs: dict[str, list[float]] = {"floor": [], "lifelines": [], "html": [], "default": []}
    with tempfile.TemporaryDirectory() as tmp:
        timed([*report, "--out", tmp])  # once, so that every round finds the files in the disk cache
        for k in range(args.rounds):
            runs["floor"].append(timed([python, "-c", FLOOR_IMPORTS]))
            runs["lifelines"].append(timed([python, "-c", LIFELINES_IMPORTS]))
            runs["html"].append(timed([*report, "--formats", "html", "--out", f"{tmp}/html{k}"]))
            runs["default"].append(timed([*report, "--out", f"{tmp}/default{k}"]))
    best = {name: min(values) for name, values in runs.items()}
    print(f"client: {args.client.name}; best of {args.rounds} interleaved rounds (all rounds in brackets)")
    for name, label in [("floor", "floor (import pandas, matplotlib, jinja2, yaml, pydantic)"),
                        ("lifelines", "floor and lifelines"),
                        ("html", "cold report, HTML only"), ("default", "cold report, HTML + workbook + plan")]:
        rounds = ", ".join(f"{v:.2f}" for v in runs[name])
        print(f"{label:58s} {best[name]:6.2f} s  [{rounds}]")
    print(f"ratio HTML only / floor: {best['html'] / best['floor']:.2f}   (target <= {TARGET})")
    print(f"ratio default / floor:   {best['default'] / best['floor']:.2f}")
    print(f"ratio floor and lifelines / floor: {best['lifelines'] / best['floor']:.2f}   "
          "(what a report with data cannot go below)")


if __name__ == "__main__":
    main()
