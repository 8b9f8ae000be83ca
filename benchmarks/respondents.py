"""How fast several respondents are combined (run: ``.venv/bin/python benchmarks/respondents.py``).

    python benchmarks/respondents.py [--respondents 50] [--repeat 7]

Prints, in one run, on the shipped model with synthetic respondents of one client:

* combining N respondents (``cm.combine``: their arrays, the consensus fractions, the
  team's answer and the consensus scorecard), against its target of 50 ms;
* the whole analysis of N respondents (``respondents.analyse``: spread, Krippendorff's
  alpha, role gaps, 1000 bootstrap resamples, leave-one-out);
* ``cm.assess`` of a client with 5 respondents against one with a single respondent
  (the engine's share of a batch client's time; the report rendering that dominates a
  batch client's time is the same for both).

Timings are the best of ``--repeat`` runs. This is a report, not a test: nothing fails.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import csmaturity as cm
from csmaturity.answers import parse_answers
from csmaturity.respondents import ClientResponses, analyse, gather_responses
from csmaturity.synth import synthetic_clients

ROLES = ["CEO", "CS head", "Sales head", "Support lead", "CS manager"]
COMBINE_TARGET_MS = 50.0


def best_of(repeat: int, call: Callable[[], object]) -> float:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        timings.append(time.perf_counter() - start)
    return min(timings)


def respondents(model: cm.MaturityModel, n: int, seed: int = 0) -> ClientResponses:
    """``n`` synthetic respondents of one client: the first synthetic client's block,
    each respondent's answers drawn as another synthetic client's."""
    drawn = list(synthetic_clients(model, n, seed))
    client = drawn[0]["client"]
    files = [parse_answers({"client": client, "model": model.ref, "answers": data["answers"],
                            "respondent": {"id": f"r{k:03d}", "role": ROLES[k % len(ROLES)]}},
                           model, file=f"r{k:03d}.yaml")
             for k, data in enumerate(drawn)]
    return gather_responses(files)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    model = cm.load_model()
    many = respondents(model, args.respondents)
    combining = best_of(args.repeat, lambda: cm.combine(model, many))
    analysing = best_of(args.repeat, lambda: analyse(model, many))
    five = respondents(model, 5, seed=1)
    one = five.respondents[0]
    assess_five = best_of(args.repeat, lambda: cm.assess(model, five))
    assess_one = best_of(args.repeat, lambda: cm.assess(model, one))
    print(f"shipped model: {len(model.questions)} questions; best of {args.repeat}")
    print(f"combine {args.respondents} respondents:       {combining * 1000:7.1f} ms   "
          f"ratio to the {COMBINE_TARGET_MS:g} ms target: {combining * 1000 / COMBINE_TARGET_MS:.2f} (target <= 1)")
    print(f"analyse {args.respondents} respondents:       {analysing * 1000:7.1f} ms   "
          "(with 1000 resamples and leave-one-out)")
    print(f"assess, 5 respondents:         {assess_five * 1000:7.1f} ms")
    print(f"assess, 1 respondent:          {assess_one * 1000:7.1f} ms   ratio 5 / 1: {assess_five / assess_one:.2f}")


if __name__ == "__main__":
    main()
