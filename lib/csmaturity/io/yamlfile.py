"""Reading YAML files into plain data, turning every failure into a :class:`Problem`.

Validating that data against a schema is :mod:`csmaturity.io.schema`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..errors import Problem

__all__ = ["read_yaml_file", "dump_yaml"]


def read_yaml_file(path: str | Path) -> tuple[Any, list[Problem]]:
    """Load one YAML document; return ``(data, problems)``.

    Missing files, undecodable bytes, syntax errors and empty documents become
    problems naming the file (and line/column for syntax errors) instead of raising.
    """
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return None, [Problem(name, "", "file not found")]
    except UnicodeDecodeError as exc:
        return None, [Problem(name, "", f"not UTF-8 text ({exc.reason} at byte {exc.start}); save the file as UTF-8")]
    except OSError as exc:
        return None, [Problem(name, "", f"cannot read file: {exc.strerror or exc}")]
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        what = getattr(exc, "problem", None) or str(exc)
        return None, [Problem(name, where, f"malformed YAML: {what} (the text is not valid YAML "
                                                "near this point: check indentation, colons, quotes and brackets)")]
    if data is None:
        return None, [Problem(name, "", "file is empty; expected a YAML mapping")]
    if not isinstance(data, dict):
        return None, [Problem(name, "", f"expected a YAML mapping at the top level, got {type(data).__name__}")]
    return data, []


def dump_yaml(data: Any) -> str:
    """YAML text that keeps key order and non-ASCII characters readable."""
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
