"""The notebooks' parameters as the library takes them.

A papermill parameter is a typed literal, so a notebook's optional file or language
parameter is ``""`` when not given (:func:`.audit.run_diagnosis_notebook` passes
None as ``""``); the library's functions take None for "not given".
"""

from __future__ import annotations

__all__ = ["optional"]


def optional(value: str) -> str | None:
    """A notebook parameter for the library: None when it was left empty (``""``)."""
    return value or None
