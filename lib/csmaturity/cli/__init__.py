"""The ``csmaturity`` command line.

Each module in this package registers a group of subcommands. Exit codes: 0 success,
1 invalid input or a failed run (the message names the file, key and what was
expected), 2 wrong usage.
"""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from .._version import __version__
from ..errors import CsMaturityError
from . import batch, core, intake, report

__all__ = ["main", "build_parser"]

_COMMAND_GROUPS = (core, intake, batch, report)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="csmaturity", description="Customer Success maturity diagnosis kit.")
    parser.add_argument("--version", action="version", version=f"csmaturity {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in _COMMAND_GROUPS:
        group.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except CsMaturityError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
