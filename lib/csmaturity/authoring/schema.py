"""The JSON Schema of the model file, for editors.

With the schema saved beside a model and the line
``# yaml-language-server: $schema=./cs_model.schema.json`` at the top of the YAML file,
editors that run yaml-language-server (VS Code's YAML extension among them) complete
keys, show each record's description and underline typos while typing.

The schema is pydantic's schema of :class:`~csmaturity.model.MaturityModel`, loosened
where the file may say less than the validated model holds (an option's ``id`` and a
level's ``max`` are filled in on reading; triggers may name numbered options by
number; a segment feedback may give one value instead of a list). It checks the shape
only: cross-references (a question's dimension exists, levels tile the scale...) are
checked by ``csmaturity validate``.
"""

from __future__ import annotations

from typing import Any

from .._version import __version__
from ..model import SCHEMA_VERSION, MaturityModel

__all__ = ["model_json_schema", "DIALECT"]

#: The JSON Schema dialect pydantic writes.
DIALECT = "https://json-schema.org/draft/2020-12/schema"


def model_json_schema() -> dict[str, Any]:
    """The JSON Schema of a maturity model file (schema version 2)."""
    schema = MaturityModel.model_json_schema()
    defs = schema["$defs"]
    # Filled in on reading: an option without an id is named by its position, a
    # level's max is the next level's min (or the top of the scale).
    defs["Option"]["required"].remove("id")
    defs["Level"]["required"].remove("max")
    # ``chosen: [2, 3]`` names numbered options by their number.
    option_ref = {"anyOf": [{"type": "string"}, {"type": "integer"}]}
    for key in ("lacks", "chosen"):
        defs["Trigger"]["properties"][key]["items"] = option_ref
    # ``when: {segment: smb}`` is read as ``when: {segment: [smb]}``.
    value = {"type": ["string", "number"]}
    defs["Feedback"]["properties"]["when"]["additionalProperties"] = {
        "anyOf": [value, {"type": "array", "items": value}]}
    # Scale labels are keyed by the scale point (YAML ``3:``, JSON ``"3"``).
    defs["Scale"]["properties"]["labels"]["propertyNames"] = {"pattern": "^-?[0-9]+$"}
    return {
        "$schema": DIALECT,
        "title": "csmaturity maturity model",
        "description": (f"A maturity model file of schema version {SCHEMA_VERSION} (csmaturity {__version__}). "
                        "Shape only: `csmaturity validate --model FILE` checks the cross-references too."),
        **{k: v for k, v in schema.items() if k not in ("title", "description")},
    }
