"""Typed errors that carry where a problem is, so every front door prints the same message.

A :class:`Problem` names the file, the location inside it (a YAML key path such as
``answers.kpi_defined.answer``, or a table column and row numbers) and what was
expected. Validators collect *all* problems of a file before raising one
:class:`ValidationFailed`, so a consultant fixes a file in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Literal

__all__ = [
    "Problem",
    "CsMaturityError",
    "ValidationFailed",
    "ModelError",
    "AnswersError",
    "DataError",
]

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or doubtful) in an input file."""

    file: str
    location: str
    message: str
    severity: Severity = "error"

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


def display_path(path: str | Path | None) -> str:
    """The name used for a file in messages ("<memory>" for in-memory inputs)."""
    return "<memory>" if path is None else str(path)
