"""The maturity model as a document: the mapping a model YAML file holds, and its text.

:func:`model_document` turns a validated :class:`~csmaturity.model.MaturityModel` back
into the plain mapping a person would write: keys in the order of the shipped model,
values the schema fills in by itself left out (a weight of 1, ``exclusive: false``, the
default yes/no options...), and the rules in force (``score_scale``, ``scoring``)
always spelt out. Reading the document again gives the same model. :func:`model_yaml`
writes it as YAML that reads like the shipped file: short texts and records on one
line, long ones as blocks.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import yaml

from ..model import MaturityModel, Question

__all__ = ["model_document", "model_yaml", "display_width"]

#: Key order of each kind of record, as the shipped model writes them.
_TOP = ("schema_version", "id", "version", "languages", "title", "description", "score_scale", "scoring",
        "currency", "profile", "dimensions", "levels", "phases", "benchmarks", "questions", "roles",
        "recommendations")
_ORDER = {
    "question": ("id", "dimension", "type", "weight", "allow_dont_know", "points_from", "text", "help",
                 "max_points", "scale", "options", "benchmark"),
    "option": ("id", "points", "exclusive", "label", "insight", "next_step", "by_segment"),
    "level": ("id", "stage", "name", "description", "min", "max", "gates"),
    "recommendation": ("id", "phase", "effort", "owner", "duration_months", "kpi", "title", "action", "triggers",
                       "depends_on"),
    "benchmark": ("id", "source", "year", "fielded", "cohorts", "contrast", "item_correlation", "items"),
    "cohort": ("id", "n", "name"),
    "profile": ("id", "label", "type", "required", "help", "options"),
}


def _ordered(record: dict[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
    """``record`` with the keys of ``order`` first, in that order, then the rest."""
    return {**{k: record[k] for k in order if k in record}, **{k: v for k, v in record.items() if k not in order}}


def _unasked_options(question: Question) -> bool:
    """Whether the question's options are those the schema gives it when the file
    names none (a yes/no question's), so that the file may leave them out."""
    unasked = Question.model_validate(question.model_dump(exclude={"options"}))
    return bool(unasked.options) and unasked.model_dump() == question.model_dump()


def _implicit_max(level: dict[str, Any], k: int, levels: list[dict[str, Any]], model: MaturityModel) -> dict[str, Any]:
    """``level`` without its ``max`` when reading fills in the same one (the next
    level's ``min``, the top of the scale for the last)."""
    filled = levels[k + 1]["min"] if k + 1 < len(levels) else model.score_scale.max
    return {key: v for key, v in level.items() if key != "max"} if level["max"] == filled else level


def _numbered_triggers(rec: dict[str, Any], numbered: set[str]) -> dict[str, Any]:
    """Triggers naming options of questions whose options are numbered say ``[2, 3]``."""
    triggers = [{k: [int(v) for v in vals] if k in ("lacks", "chosen") and t["question"] in numbered else vals
                 for k, vals in t.items()} for t in rec.get("triggers", [])]
    return {**rec, "triggers": triggers} if triggers else rec


def model_document(model: MaturityModel, *, numbered_ids: bool = False) -> dict[str, Any]:
    """The model as the mapping of a model file (``parse_model`` reads it back to ``model``).

    Parameters
    ----------
    model
        A validated model.
    numbered_ids
        Keep the ids of options named by their position (``"1"``, ``"2"``...), which a
        file may leave out; the workbook shows them so that triggers can name them.
    """
    doc = model.model_dump(mode="python", exclude_defaults=True)
    doc["schema_version"] = model.schema_version
    doc["languages"] = list(model.languages)
    doc["score_scale"] = model.score_scale.model_dump()
    doc["scoring"] = {k: v for k, v in model.scoring.model_dump().items() if v != {}}  # no role weights: none
    doc["profile"] = [_ordered(f, _ORDER["profile"]) for f in doc.get("profile", [])]
    questions = []
    for q, record in zip(model.questions, doc["questions"], strict=True):
        record.pop("points_from", None)
        if q.points_from != model.scoring.option_points:  # the model's rule fills it in otherwise
            record["points_from"] = q.points_from
        if _unasked_options(q):
            record.pop("options", None)
        options = record.get("options", [])
        if not numbered_ids and [o["id"] for o in options] == [str(k) for k in range(1, len(options) + 1)]:
            options = [{k: v for k, v in o.items() if k != "id"} for o in options]
        if options:
            record["options"] = [_ordered(o, _ORDER["option"]) for o in options]
        questions.append(_ordered(record, _ORDER["question"]))
    doc["questions"] = questions
    doc["levels"] = [_ordered(_implicit_max(lv, k, doc["levels"], model), _ORDER["level"])
                     for k, lv in enumerate(doc["levels"])]
    numbered = {q["id"] for q in questions if q.get("options") and "id" not in q["options"][0]}
    doc["recommendations"] = [_ordered(_numbered_triggers(r, numbered), _ORDER["recommendation"])
                              for r in doc.get("recommendations", [])]
    benchmarks = []
    for b in doc.get("benchmarks", []):
        if "contrast" in b:
            b["contrast"] = list(b["contrast"])
        b["cohorts"] = [_ordered(c, _ORDER["cohort"]) for c in b["cohorts"]]
        benchmarks.append(_ordered(b, _ORDER["benchmark"]))
    doc["benchmarks"] = benchmarks
    return {k: v for k, v in _ordered(doc, _TOP).items() if v != [] or k in ("dimensions", "questions", "levels")}


# --------------------------------------------------------------------------- YAML text

#: Texts and records up to this display width (a Japanese letter counts two) go on one
#: line; the records of a list (options, triggers...) up to the wider one.
_FLOW_WIDTH = 110
_RECORD_WIDTH = 150


class _Flow(dict):
    """A mapping written on one line."""


class _FlowList(list):
    """A list written on one line."""


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> Any:
        return super().increase_indent(flow, False)  # list items indented under their key

    def choose_scalar_style(self) -> str:
        """Double quotes where quotes are needed: English apostrophes stay as typed."""
        style = super().choose_scalar_style()
        return '"' if style == "'" else style


def _float(dumper: yaml.SafeDumper, value: float) -> yaml.Node:
    """Whole numbers without ``.0`` (weights and points read as people write them)."""
    if value.is_integer() and abs(value) < 1e15:
        return dumper.represent_int(int(value))
    return dumper.represent_float(value)


_Dumper.add_representer(_Flow, lambda d, data: d.represent_mapping("tag:yaml.org,2002:map", data, flow_style=True))
_Dumper.add_representer(_FlowList, lambda d, data: d.represent_sequence("tag:yaml.org,2002:seq", data,
                                                                        flow_style=True))
_Dumper.add_representer(float, _float)


def display_width(text: str) -> int:
    """How many columns ``text`` takes in a fixed-width view: a Japanese letter two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _one_line(node: Any) -> str:
    return yaml.dump(node, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10**6,
                     default_flow_style=True).strip()


def _styled(node: Any, width: int = _FLOW_WIDTH) -> Any:
    """``node`` with the mappings and lists that fit on one line marked so; the records
    of one list are all on one line or none is."""
    if isinstance(node, dict):
        styled = {k: _styled(v) for k, v in node.items()}
        flat = all(not isinstance(v, (dict, list)) or isinstance(v, (_Flow, _FlowList)) for v in styled.values())
        return _Flow(styled) if flat and display_width(_one_line(_Flow(styled))) <= width else styled
    if isinstance(node, list):
        if all(not isinstance(v, (dict, list)) for v in node):
            return _FlowList(node)
        items = [_styled(v, _RECORD_WIDTH) for v in node]
        if all(isinstance(v, _Flow) for v in items):
            return items
        return [dict(v) if isinstance(v, _Flow) and isinstance(raw, dict) and _has_text(raw) else v
                for v, raw in zip(items, node, strict=True)]
    return node


def _has_text(record: dict[str, Any]) -> bool:
    return any(isinstance(v, dict) for v in record.values())


def model_yaml(model: MaturityModel) -> str:
    """The model as a YAML file, readable by people and by :func:`csmaturity.load_model`."""
    doc = {k: _styled(v) for k, v in model_document(model).items()}
    text = yaml.dump(doc, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10**6)
    sections: list[list[str]] = []
    for line in text.splitlines():
        if line[:1] == " ":
            sections[-1].append(line)
        else:
            sections.append([line])
    # A blank line around each section that spans several lines.
    out: list[str] = []
    for k, section in enumerate(sections):
        if k and (len(section) > 1 or len(sections[k - 1]) > 1):
            out.append("")
        out.extend(section)
    return "\n".join(out) + "\n"
