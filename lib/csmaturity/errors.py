"""Typed errors that carry where a problem is, so every front door prints the same message.

A :class:`Problem` names the file, the location inside it (a YAML key path such as
``answers.kpi_defined.answer``, or a table column and row numbers) and what was
expected. Validators collect *all* problems of a file before raising one
:class:`ValidationFailed`, so a consultant fixes a file in one pass.

The kinds of failure, each a :class:`CsMaturityError`:

* :class:`ValidationFailed` -- an input file is wrong: :class:`ModelError` (the
  maturity model), :class:`AnswersError` (a client's answers), :class:`DataError` (an
  accounts or survey table, or results read from files), :class:`ConfigError` (a
  configuration file such as the health-score config);
* :class:`MissingDependencyError` -- an optional package, a font or a Jupyter kernel
  is not installed; the message says how to install it;
* :class:`OutputError` -- an output cannot be written where and how the kit must
  (a link leading out of the output folder, a clash of output names);
* :class:`ArgumentError` -- a Python caller passed a wrong value. It is also a
  :class:`ValueError`, and is raised through :func:`check_argument` only.

Anything else that escapes the kit is a bug, and the command line shows its traceback.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Literal

__all__ = [
    "Problem",
    "CsMaturityError",
    "ValidationFailed",
    "ModelError",
    "AnswersError",
    "DataError",
    "ConfigError",
    "MissingDependencyError",
    "OutputError",
    "ArgumentError",
    "check_argument",
    "require_module",
]

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or doubtful) in an input file."""

    file: str
    location: str
    message: str
    severity: Severity = field(default="error", kw_only=True)

    def __str__(self) -> str:
        where = f"{self.file}: {self.location}" if self.location else self.file
        tag = "" if self.severity == "error" else f"[{self.severity}] "
        return f"{where}: {tag}{self.message}"


class CsMaturityError(Exception):
    """Base class of every error the kit raises on purpose."""


class ValidationFailed(CsMaturityError):
    """One or more problems in an input; ``problems`` holds every one of them."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems: list[Problem] = list(problems)
        errors = [p for p in self.problems if p.severity == "error"]
        head = f"{len(errors)} problem(s) found"
        super().__init__(head + ":\n" + "\n".join(f"  - {p}" for p in self.problems))

    @property
    def files(self) -> list[str]:
        return sorted({p.file for p in self.problems})


class ModelError(ValidationFailed):
    """The maturity model YAML is malformed or inconsistent."""


class AnswersError(ValidationFailed):
    """A client answers file is malformed or does not fit the model."""


class DataError(ValidationFailed):
    """An accounts or survey table cannot be read or does not fit its schema."""


class ConfigError(ValidationFailed):
    """A configuration file (e.g. the health-score config) is missing, malformed or inconsistent."""


class MissingDependencyError(CsMaturityError):
    """An optional dependency or an installed resource (package, font, Jupyter kernel) is missing.

    Attributes
    ----------
    what
        What is missing, e.g. ``"Dask distributed (needed by --scheduler)"``.
    install
        How to install it, e.g. ``"pip install 'csmaturity[dask]'"``.
    """

    def __init__(self, what: str, install: str, detail: str = ""):
        self.what, self.install = what, install
        because = f" ({detail})" if detail else ""
        super().__init__(f"{what} is missing{because}; install it with: {install}")


class OutputError(CsMaturityError):
    """An output cannot be written safely; the message names the path."""


class ArgumentError(CsMaturityError, ValueError):
    """A function was called with a wrong value; ``argument`` names the parameter(s),
    which the message, a whole sentence, names too."""

    def __init__(self, argument: str, message: str):
        self.argument = argument
        super().__init__(message)


def require_module(module: str, what: str, install: str) -> ModuleType:
    """Import ``module``; when it is not installed, a :class:`MissingDependencyError`
    saying ``what`` it is for and how to ``install`` it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingDependencyError(what, install, str(exc)) from exc


def check_argument(condition: bool, argument: str, message: str) -> None:
    """Raise :class:`ArgumentError` (a ValueError) for ``argument`` unless ``condition``.

    ``message`` says what was wrong in a sentence that names the argument, e.g.
    ``"cost must be greater than 0, got 0"``.

    The one way the kit refuses a wrong argument value of a Python call; values read
    from a file are :class:`ValidationFailed` problems instead, naming the file.
    """
    if not condition:
        raise ArgumentError(argument, message)


def display_path(path: str | Path | None) -> str:
    """The name used for a file in messages ("<memory>" for in-memory inputs)."""
    return "<memory>" if path is None else str(path)
