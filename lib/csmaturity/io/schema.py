"""The one schema layer of the kit's YAML files: strict pydantic models whose errors
become :class:`~csmaturity.errors.Problem`\\ s with key paths.

The maturity model, a client's answers file and the health-score config are each a
:class:`StrictModel`: unknown keys are refused (a typo in a copied file is reported,
not ignored), infinite and NaN numbers are refused, and a loaded document is immutable. :func:`schema_problems` turns a
pydantic ``ValidationError`` into one problem per error, located by a key path such as
``questions[touch_model].options[built].points``; :func:`load_yaml_as` reads and
validates a whole file in one call.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from ..errors import Problem, ValidationFailed
from .yamlfile import read_yaml_file

__all__ = ["StrictModel", "loc_to_path", "schema_message", "schema_problems", "validate_as", "load_yaml_as"]

M = TypeVar("M", bound=BaseModel)


class StrictModel(BaseModel):
    """Base of every YAML schema: unknown keys are errors, numbers are finite (YAML's
    ``.inf`` and ``.nan`` never mean a weight or a threshold); instances are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def loc_to_path(loc: tuple[Any, ...], data: Any = None) -> str:
    """Render a pydantic error location as a key path.

    List items that carry an ``id`` in ``data`` are named by it, so the path reads
    ``questions[touch_model].options[built].points`` rather than ``questions[7]...``.
    """
    out = ""
    node = data
    for part in loc:
        if isinstance(part, int):
            item = node[part] if isinstance(node, list) and part < len(node) else None
            label = item.get("id") if isinstance(item, dict) and item.get("id") is not None else part
            out += f"[{label}]"
            node = item
        else:
            out += ("." if out else "") + str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out


def schema_message(err: Any) -> str:
    """The message of one pydantic error, phrased for a person editing the YAML file."""
    kind, value = err["type"], err.get("input")
    if kind == "extra_forbidden":
        return "unknown key (typo?); remove it or check the spelling"
    if kind == "missing":
        return "required key is missing"
    if kind in ("value_error", "assertion_error") and "error" in err.get("ctx", {}):
        return str(err["ctx"]["error"])  # our own validators' words, without pydantic's prefix
    if isinstance(value, bool) and kind in ("string_type", "literal_error", "enum"):
        return f"{err['msg']} (got {value}: YAML reads yes/no/on/off/true/false as booleans; quote the value)"
    if "input" in err and not isinstance(value, (dict, list)):
        return f"{err['msg']} (got {value!r})"
    return err["msg"]


def schema_problems(exc: ValidationError, file: str, data: Any = None) -> list[Problem]:
    """One :class:`Problem` per error of ``exc``, located by its key path in ``data``."""
    return [Problem(file, loc_to_path(err["loc"], data), schema_message(err)) for err in exc.errors()]


def validate_as(model_cls: type[M], data: Any, file: str, error_cls: type[ValidationFailed]) -> M:
    """``model_cls`` built from already-loaded ``data``.

    Raises
    ------
    ValidationFailed
        ``error_cls`` with every schema problem, each naming ``file`` and a key path.
    """
    try:
        return model_cls.model_validate(data)
    except ValidationError as exc:
        raise error_cls(schema_problems(exc, file, data)) from None


def load_yaml_as(model_cls: type[M], path: str | Path, error_cls: type[ValidationFailed], *,
                 name: str | None = None) -> M:
    """Read the YAML mapping at ``path`` and validate it as ``model_cls``.

    ``name`` is the file's name in messages (default: ``path``).

    Raises
    ------
    ValidationFailed
        ``error_cls`` when the file is missing, unreadable, not YAML, not a mapping, or
        does not fit the schema; every problem is listed.
    """
    file = str(path) if name is None else name
    data, problems = read_yaml_file(path)
    if problems:
        raise error_cls([Problem(file, p.location, p.message) for p in problems])
    return validate_as(model_cls, data, file, error_cls)
