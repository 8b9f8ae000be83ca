"""The ``csmaturity`` command line.

Each module in this package registers a group of subcommands. Exit codes: 0 success,
1 invalid input or a failed run (the message names the file, key and what was
expected), 2 wrong usage (including an option value the kit refuses, such as a
``--period`` that ends before it starts).

Every failure the kit raises on purpose (:class:`~csmaturity.errors.CsMaturityError`:
a wrong input file, a missing optional dependency, a wrong argument value) and every
file-system error (a folder that cannot be written, named) is printed as a short
message, one line per problem, without a traceback. Any other exception is a bug in
the kit: its traceback is shown, so that it can be reported.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .._version import __version__
from ..errors import ArgumentError, CsMaturityError
from . import authoring, batch, core, intake, report, workshop

__all__ = ["main", "build_parser"]

_COMMAND_GROUPS = (core, intake, batch, report, authoring, workshop)


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
    except ArgumentError as exc:  # a value given on the command line
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except CsMaturityError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: {_os_message(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _os_message(exc: OSError) -> str:
    """``path: reason`` of a file-system error (``PermissionError`` on an output folder...)."""
    if exc.filename is None:
        return str(exc)
    paths = " -> ".join(str(p) for p in (exc.filename, exc.filename2) if p is not None)
    return f"{paths}: {exc.strerror or type(exc).__name__}"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
