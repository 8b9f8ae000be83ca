"""The maturity model: a versioned YAML document, its schema and its validation.

Pydantic checks the *shape* of the document (types, required keys, unknown keys:
typos in a copied model are caught rather than ignored). The cross-references that a
schema cannot express -- a question's dimension exists, levels tile 0-100 without gap
or overlap, recommendations point at real questions, the roadmap has no dependency
cycle -- are checked afterwards, and every problem of the file is reported together.

Pydantic was chosen over jsonschema because the validated model *is* the Python API
the engine uses (typed attributes, defaults), and its error locations give the key
path each message needs.
"""

from __future__ import annotations

import math
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import ConfigDict, Field, ValidationError, model_validator

from .errors import ModelError, Problem
from .i18n import LANGUAGES, check_language, text
from .io.schema import StrictModel as _Strict
from .io.schema import schema_problems
from .io.yamlfile import read_yaml_file

__all__ = [
    "LocalText",
    "Dimension",
    "Option",
    "Scale",
    "BenchmarkLink",
    "Question",
    "Level",
    "Phase",
    "Trigger",
    "Recommendation",
    "BenchmarkItem",
    "Cohort",
    "Benchmark",
    "ScoringRules",
    "MaturityModel",
    "AnswerValue",
    "DONT_KNOW",
    "LANGUAGES",
    "default_model_path",
    "load_model",
    "parse_model",
]

#: The answer value that means "don't know"; never a valid option id.
DONT_KNOW = "dont_know"
# LANGUAGES is defined by the text store (csmaturity.i18n) and re-exported here.
QuestionType = Literal["single", "multi", "yes_no", "scale"]
#: A normalised answer: an option id (single, yes/no), a list of option ids in model
#: order (multi), a scale point, or :data:`DONT_KNOW`.
AnswerValue = str | int | list[str]


class LocalText(_Strict):
    """A text in both report languages."""

    ja: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        """The text in ``lang`` (``ja`` or ``en``)."""
        return getattr(self, check_language(lang))


#: Largest weight or number of points: scores multiply and add them, and a model with
#: weights near the float limit (1e308) would score infinity instead of a number.
MAX_NUMBER = 1_000_000

class Dimension(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: LocalText
    description: LocalText | None = None
    weight: float = Field(ge=0, le=MAX_NUMBER)


class Option(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: LocalText
    points: float = Field(ge=0, le=MAX_NUMBER)
    #: Chosen alone only (e.g. "none of these"): cannot be combined in a multi choice.
    exclusive: bool = False


class Scale(_Strict):
    min: int
    max: int
    labels: dict[int, LocalText] = Field(default_factory=dict)


class BenchmarkLink(_Strict):
    """The client matches benchmark ``item`` when the answer includes any of ``options``
    (or is "don't know", when the survey item itself counts "don't know")."""

    item: str
    options: list[str] = Field(default_factory=list)
    dont_know_matches: bool = False

    @model_validator(mode="after")
    def _some_match(self) -> BenchmarkLink:
        if not self.options and not self.dont_know_matches:
            raise ValueError("a benchmark link needs 'options' or 'dont_know_matches: true'")
        return self


class Question(_Strict):
    """One question of the model. What depends on its ``type`` -- which answers it
    accepts, what a form offers, what an answer scores -- is asked of the question
    (:meth:`normalise`, :meth:`choices`, :meth:`fraction`, ...), never switched on
    by its callers."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    dimension: str
    type: QuestionType
    text: LocalText
    help: LocalText | None = None
    weight: float = Field(default=1.0, ge=0, le=MAX_NUMBER)
    options: list[Option] = Field(default_factory=list)
    #: Multi choice: points are summed and capped here (default: sum of all points).
    max_points: float | None = Field(default=None, gt=0, le=MAX_NUMBER)
    scale: Scale | None = None
    #: Whether "don't know" is an answer; see :attr:`accepts_dont_know`.
    allow_dont_know: bool = True
    benchmark: list[BenchmarkLink] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _yes_no_options(cls, data: Any) -> Any:
        """A yes/no question gets its two options unless the model spells them out."""
        if isinstance(data, dict) and data.get("type") == "yes_no" and not data.get("options"):
            data = dict(data)
            data["options"] = [
                {"id": answer, "label": {lang: text(f"yes_no.{answer}", lang) for lang in LANGUAGES}, "points": points}
                for answer, points in (("yes", 1), ("no", 0))
            ]
        return data

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)

    @property
    def accepts_dont_know(self) -> bool:
        """Whether "don't know" is an answer to this question: the model's
        ``allow_dont_know`` (true unless the model says otherwise), for every type --
        a yes/no question too refuses it when the model says so."""
        return self.allow_dont_know

    @property
    def is_multi(self) -> bool:
        """An answer is a list of options (one tick per option), not one pick."""
        return self.type == "multi"

    @property
    def option_values(self) -> list[str | int]:
        """What one pick on a form stands for: the option ids (a multi choice's tick
        rows) or the scale's points, in order; "don't know" not included."""
        if self.type == "scale":
            assert self.scale is not None  # guaranteed by model validation
            return list(range(self.scale.min, self.scale.max + 1))
        return [o.id for o in self.options]

    @property
    def choice_values(self) -> list[str | int]:
        """:attr:`option_values`, then :data:`DONT_KNOW` where it is accepted: every
        value a dropdown, radio group or set of ticks offers."""
        return self.option_values + ([DONT_KNOW] if self.accepts_dont_know else [])

    def value_label(self, value: str | int, lang: str) -> str:
        """The label of one of :attr:`option_values`: the option's label, or a scale
        point as ``"3 - label"`` (``"3"`` when the scale does not label it)."""
        if self.type == "scale":
            assert self.scale is not None
            label = self.scale.labels.get(value)  # type: ignore[arg-type]
            return f"{value} - {label.get(lang)}" if label else str(value)
        option = self.option(str(value))
        if option is None:
            raise ValueError(f"{value!r} is not an option of question '{self.id}'")
        return option.label.get(lang)

    def choices(self, lang: str, dont_know: str) -> list[tuple[str, str | int]]:
        """``(label, value)`` of each of :attr:`choice_values`, "don't know" labelled
        ``dont_know`` (the wording of the caller's interface)."""
        out: list[tuple[str, str | int]] = [(self.value_label(v, lang), v) for v in self.option_values]
        return out + ([(dont_know, DONT_KNOW)] if self.accepts_dont_know else [])

    def selected(self, value: AnswerValue) -> list[str]:
        """The option ids a normalised answer picks, in model order (none for a scale
        point or "don't know")."""
        picked = value if isinstance(value, list) else [value]
        return [o.id for o in self.options if o.id in picked]

    def answer_labels(self, value: AnswerValue, lang: str) -> list[str]:
        """The labels of what a normalised, known answer picks, in model order."""
        picked = value if isinstance(value, list) else [value]
        return [self.value_label(v, lang) for v in self.option_values if v in picked]

    @property
    def full_points(self) -> float:
        """Points that make this question's fraction 1.0."""
        if self.type == "scale":
            return 1.0
        if self.type == "multi":
            total = sum(o.points for o in self.options)
            return min(total, self.max_points) if self.max_points else total
        return max((o.points for o in self.options), default=0.0)

    def fraction(self, value: AnswerValue) -> float:
        """The score in [0, 1] a normalised, known answer earns.

        - single choice and yes/no: points of the chosen option / the highest option points;
        - multi choice: the chosen options' points, capped at ``max_points`` (default:
          the sum of all options), / that cap;
        - scale: (value - min) / (max - min).

        "Don't know" has no fraction: the model's ``scoring.dont_know`` rule decides.
        """
        if value == DONT_KNOW:
            raise ValueError("\"don't know\" has no fraction; the model's scoring.dont_know rule scores it")
        if self.type == "scale":
            assert self.scale is not None and isinstance(value, int)
            return (value - self.scale.min) / (self.scale.max - self.scale.min)
        chosen = self.selected(value)
        points = sum(o.points for o in self.options if o.id in chosen)
        return min(points, self.full_points) / self.full_points

    def normalise(self, value: Any) -> AnswerValue:
        """The canonical form of one raw answer (as YAML, a workbook or a widget holds it).

        Every front door (answers file, Excel intake, widget form, what-if panel)
        checks answers here, so all accept exactly the same ones.

        Raises
        ------
        ValueError
            Why ``value`` is not an answer to this question (the message is meant
            for the person who gave it).
        """
        if isinstance(value, str) and value.strip() in (DONT_KNOW, "unknown"):
            if self.accepts_dont_know:
                return DONT_KNOW
            raise ValueError("this question does not accept \"don't know\"")
        option_ids = [o.id for o in self.options]
        if self.type == "yes_no":
            if isinstance(value, bool):  # YAML reads bare yes/no as booleans
                return "yes" if value else "no"
            if value in ("yes", "no"):
                return value
            raise ValueError(f"expected {'yes, no or unknown' if self.accepts_dont_know else 'yes or no'}, "
                             f"got {value!r}")
        if self.type == "single":
            if isinstance(value, str) and value in option_ids:
                return value
            raise ValueError(f"{_show(value)} is not an option of this question; expected one of {option_ids}"
                             + _bool_hint(value))
        if self.type == "multi":
            return self._normalise_multi(value, option_ids)
        assert self.scale is not None
        lo, hi = self.scale.min, self.scale.max
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"expected a whole number from {lo} to {hi}, got {_show(value)}")
        if isinstance(value, float) and (math.isnan(value) or not value.is_integer()):
            raise ValueError(f"expected a whole number from {lo} to {hi}, got {value!r}")
        if not lo <= value <= hi:
            raise ValueError(f"{value:g} is out of range; expected a whole number from {lo} to {hi}")
        return int(value)

    def _normalise_multi(self, value: Any, option_ids: list[str]) -> list[str]:
        items = value if isinstance(value, list) else [value]
        bad = [v for v in items if not isinstance(v, str) or v not in option_ids]
        if bad:
            raise ValueError(f"{', '.join(_show(v) for v in bad)} not an option of this question; "
                             f"expected a list drawn from {option_ids}" + _bool_hint(bad[0]))
        if not items:
            instead = ([repr(o.id) for o in self.options if o.exclusive]
                       + ([repr(DONT_KNOW)] if self.accepts_dont_know else []))
            raise ValueError("empty selection; choose at least one option"
                             + (f" (or {', or '.join(instead)})" if instead else ""))
        if len(set(items)) != len(items):
            raise ValueError(f"an option is listed twice: {items}")
        exclusive = [o.id for o in self.options if o.exclusive and o.id in items]
        if exclusive and len(items) > 1:
            raise ValueError(f"'{exclusive[0]}' cannot be combined with other options")
        return sorted(items, key=option_ids.index)


def _show(value: Any) -> str:
    return f"{type(value).__name__} {value!r}" if not isinstance(value, str) else repr(value)


def _bool_hint(value: Any) -> str:
    return " (YAML reads bare yes/no/on/off as booleans; quote the value)" if isinstance(value, bool) else ""


class Level(_Strict):
    id: str
    stage: str
    name: LocalText
    description: LocalText
    min: float = Field(ge=0, le=100)
    max: float = Field(ge=0, le=100)
    #: Minimum dimension scores required to hold this level, whatever the overall.
    gates: dict[str, float] = Field(default_factory=dict)


class Phase(_Strict):
    id: str
    name: LocalText
    horizon: LocalText
    start_month: int = Field(ge=0)
    end_month: int = Field(gt=0)


class Trigger(_Strict):
    """A recommendation applies when a question's fraction is below ``below``, or
    (multi choice) when any of ``lacks`` is not selected."""

    question: str
    below: float | None = Field(default=None, gt=0, le=1)
    lacks: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_condition(self) -> Trigger:
        if self.below is None and not self.lacks:
            raise ValueError("a trigger needs 'below' (a fraction in (0, 1]) or 'lacks' (option ids)")
        return self


class Recommendation(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: LocalText
    action: LocalText
    phase: str
    triggers: list[Trigger] = Field(min_length=1)
    depends_on: list[str] = Field(default_factory=list)
    effort: Literal["S", "M", "L"] = "M"


class BenchmarkItem(_Strict):
    """A survey figure: share of each cohort with the practice; ``None`` = not published."""

    id: str
    label: LocalText
    effective: float | None = Field(ge=0, le=1)
    not_effective: float | None = Field(ge=0, le=1)
    note: str | None = None


class Cohort(_Strict):
    n: int = Field(gt=0)
    name: LocalText


class Benchmark(_Strict):
    source: LocalText
    fielded: str
    cohorts: dict[Literal["effective", "not_effective"], Cohort]
    items: list[BenchmarkItem]

    @model_validator(mode="after")
    def _both_cohorts(self) -> Benchmark:
        missing = {"effective", "not_effective"} - set(self.cohorts)
        if missing:
            raise ValueError(f"cohorts must define both 'effective' and 'not_effective' (missing {sorted(missing)})")
        return self

    def item(self, item_id: str) -> BenchmarkItem | None:
        return next((i for i in self.items if i.id == item_id), None)


class ScoringRules(_Strict):
    #: "zero": a don't-know answer scores 0 (not knowing is itself a gap);
    #: "exclude": it is left out of its dimension's denominator.
    dont_know: Literal["zero", "exclude"] = "zero"
    #: Below this share of answered questions the level is marked provisional.
    provisional_below_coverage: float = Field(default=0.8, ge=0, le=1)


class MaturityModel(_Strict):
    schema_version: Literal[1]
    id: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    version: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    title: LocalText
    description: LocalText | None = None
    scoring: ScoringRules = ScoringRules()
    dimensions: list[Dimension] = Field(min_length=1)
    questions: list[Question] = Field(min_length=1)
    levels: list[Level] = Field(min_length=2)
    phases: list[Phase] = Field(min_length=1)
    recommendations: list[Recommendation] = Field(default_factory=list)
    benchmark: Benchmark

    model_config = ConfigDict(extra="forbid", frozen=True, ignored_types=(cached_property,))

    @cached_property
    def questions_by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    @cached_property
    def dimensions_by_id(self) -> dict[str, Dimension]:
        return {d.id: d for d in self.dimensions}

    def question(self, question_id: str) -> Question:
        return self.questions_by_id[question_id]

    def phase_index(self, phase_id: str) -> int:
        return [p.id for p in self.phases].index(phase_id)

    def level_for(self, score: float) -> Level:
        """The level whose [min, max) band holds ``score`` (the top band includes 100)."""
        for level in self.levels:
            if level.min <= score < level.max:
                return level
        return self.levels[-1]

    @property
    def ref(self) -> dict[str, str]:
        return {"id": self.id, "version": self.version}


def default_model_path() -> Path:
    """The model shipped with the kit."""
    return Path(str(resources.files("csmaturity") / "models" / "cs_maturity_v1.yaml"))


def load_model(path: str | Path | None = None) -> MaturityModel:
    """Load and validate a maturity model YAML (the shipped one when ``path`` is None).

    Raises
    ------
    ModelError
        With every problem found in the file (shape and cross-references).
    """
    path = default_model_path() if path is None else Path(path)
    data, problems = read_yaml_file(path)
    if problems:
        raise ModelError(problems)
    return parse_model(data, file=str(path))


def parse_model(data: dict[str, Any], file: str = "<memory>") -> MaturityModel:
    """Validate already-loaded model data; see :func:`load_model`."""
    try:
        model = MaturityModel.model_validate(data)
    except ValidationError as exc:
        raise ModelError(schema_problems(exc, file, data) + _references_despite_shape_errors(data, exc, file)) from None
    problems = _check_references(model, file)
    if any(p.severity == "error" for p in problems):
        raise ModelError(problems)
    return model


_LISTS = {("dimensions",), ("questions",), ("levels",), ("phases",), ("recommendations",), ("benchmark", "items")}


def _references_despite_shape_errors(data: dict[str, Any], exc: ValidationError, file: str) -> list[Problem]:
    """Cross-reference problems of the well-formed rest of a model with shape errors.

    The malformed list items (a question with a bad field, say) are set aside and the
    rest is checked, so one run reports both kinds. Problems that merely mention a
    set-aside item are dropped: they would be noise until its shape is fixed.
    """
    import copy

    pruned = copy.deepcopy(data)
    removed: dict[tuple[str, ...], set[int]] = {}
    for err in exc.errors():
        loc = err["loc"]
        key = next((k for k in _LISTS if loc[: len(k)] == k and len(loc) > len(k) and isinstance(loc[len(k)], int)),
                   None)
        if key is None:
            return []  # a top-level problem: nothing sensible to check beyond it
        removed.setdefault(key, set()).add(loc[len(key)])
    removed_ids: set[str] = set()
    for key, indexes in removed.items():
        parent = pruned
        for part in key[:-1]:
            parent = parent[part]
        items = parent[key[-1]]
        removed_ids |= {str(items[i].get("id")) for i in indexes if isinstance(items[i], dict)}
        parent[key[-1]] = [item for i, item in enumerate(items) if i not in indexes]
    try:
        model = MaturityModel.model_validate(pruned)
    except ValidationError:
        return []
    return [p for p in _check_references(model, file) if not any(f"'{rid}'" in p.message for rid in removed_ids)]


def _duplicates(ids: list[str]) -> list[str]:
    seen: set[str] = set()
    return sorted({i for i in ids if i in seen or seen.add(i)})  # type: ignore[func-returns-value]


def _check_references(model: MaturityModel, file: str) -> list[Problem]:
    """Cross-reference checks that the schema cannot express."""
    out: list[Problem] = []

    def err(loc: str, msg: str) -> None:
        out.append(Problem(file, loc, msg))

    for key, ids in {
        "dimensions": [d.id for d in model.dimensions],
        "questions": [q.id for q in model.questions],
        "levels": [lv.id for lv in model.levels],
        "phases": [p.id for p in model.phases],
        "recommendations": [r.id for r in model.recommendations],
        "benchmark.items": [i.id for i in model.benchmark.items],
    }.items():
        for dup in _duplicates(ids):
            err(f"{key}[{dup}]", f"id '{dup}' is used more than once; ids must be unique")

    dims = {d.id for d in model.dimensions}
    if not any(d.weight > 0 for d in model.dimensions):
        err("dimensions", "at least one dimension needs a weight above 0")
    items = {i.id for i in model.benchmark.items}
    per_dim_weight = {d: 0.0 for d in dims}
    for q in model.questions:
        at = f"questions[{q.id}]"
        if q.dimension not in dims:
            err(f"{at}.dimension", f"unknown dimension '{q.dimension}'; expected one of {sorted(dims)}")
        else:
            per_dim_weight[q.dimension] += q.weight
        for dup in _duplicates([o.id for o in q.options]):
            err(f"{at}.options[{dup}]", f"option id '{dup}' is used more than once")
        if any(o.id == DONT_KNOW for o in q.options):
            err(f"{at}.options[{DONT_KNOW}]", f"'{DONT_KNOW}' is reserved; use allow_dont_know: true instead")
        if q.type == "scale":
            if q.scale is None:
                err(f"{at}.scale", "a scale question needs 'scale: {min: .., max: ..}'")
            elif q.scale.min >= q.scale.max:
                err(f"{at}.scale", f"min ({q.scale.min}) must be below max ({q.scale.max})")
            if q.options:
                err(f"{at}.options", "a scale question has no options; use 'scale' labels instead")
        else:
            if len(q.options) < 2:
                err(f"{at}.options", f"a {q.type} question needs at least 2 options")
            elif q.full_points <= 0:
                err(f"{at}.options", "no option gives points; the question could never score")
            if q.scale is not None:
                err(f"{at}.scale", f"only scale questions take 'scale' (this one is {q.type})")
        if q.type == "yes_no" and sorted(o.id for o in q.options) != ["no", "yes"]:
            err(f"{at}.options", "a yes_no question has exactly the options 'yes' and 'no'")
        if q.max_points is not None and q.type != "multi":
            err(f"{at}.max_points", "max_points applies to multi choice questions only")
        option_ids = {o.id for o in q.options}
        for k, link in enumerate(q.benchmark):
            if link.item not in items:
                err(f"{at}.benchmark[{k}].item", f"unknown benchmark item '{link.item}'")
            for opt in link.options:
                if opt not in option_ids:
                    err(f"{at}.benchmark[{k}].options",
                        f"'{opt}' is not an option of this question; expected one of {sorted(option_ids)}")
    for d in model.dimensions:
        if d.weight > 0 and per_dim_weight[d.id] <= 0:
            err(f"dimensions[{d.id}]", "has a weight but no question with a weight above 0")

    out.extend(_check_levels(model, file, dims))
    out.extend(_check_recommendations(model, file))
    return out


def _check_levels(model: MaturityModel, file: str, dims: set[str]) -> list[Problem]:
    out: list[Problem] = []
    levels = sorted(model.levels, key=lambda lv: lv.min)
    if [lv.id for lv in levels] != [lv.id for lv in model.levels]:
        out.append(Problem(file, "levels", "levels must be listed from lowest to highest 'min'"))
    for lv in levels:
        if lv.min >= lv.max:
            out.append(Problem(file, f"levels[{lv.id}]", f"min ({lv.min:g}) must be below max ({lv.max:g})"))
        for dim in lv.gates:
            if dim not in dims:
                out.append(Problem(file, f"levels[{lv.id}].gates.{dim}", f"unknown dimension '{dim}'"))
    if levels[0].min != 0:
        out.append(Problem(file, f"levels[{levels[0].id}].min",
                           f"the lowest level must start at 0 (starts at {levels[0].min:g})"))
    if levels[-1].max != 100:
        out.append(Problem(file, f"levels[{levels[-1].id}].max",
                           f"the highest level must end at 100 (ends at {levels[-1].max:g})"))
    for lo, hi in zip(levels, levels[1:], strict=False):
        if hi.min < lo.max:
            out.append(Problem(file, f"levels[{hi.id}].min", f"overlaps level '{lo.id}' ({lo.min:g}-{lo.max:g}): "
                               f"starts at {hi.min:g}, expected {lo.max:g}"))
        elif hi.min > lo.max:
            out.append(Problem(file, f"levels[{hi.id}].min", f"leaves a gap after level '{lo.id}': "
                               f"scores {lo.max:g}-{hi.min:g} have no level; expected min {lo.max:g}"))
    return out


def _check_recommendations(model: MaturityModel, file: str) -> list[Problem]:
    out: list[Problem] = []
    phases = {p.id for p in model.phases}
    recs = {r.id: r for r in model.recommendations}
    for r in model.recommendations:
        at = f"recommendations[{r.id}]"
        if r.phase not in phases:
            out.append(Problem(file, f"{at}.phase", f"unknown phase '{r.phase}'; expected one of {sorted(phases)}"))
        for k, t in enumerate(r.triggers):
            q = model.questions_by_id.get(t.question)
            if q is None:
                out.append(Problem(file, f"{at}.triggers[{k}].question", f"unknown question '{t.question}'"))
                continue
            for opt in t.lacks:
                if q.option(opt) is None:
                    out.append(Problem(file, f"{at}.triggers[{k}].lacks",
                                       f"'{opt}' is not an option of question '{q.id}'"))
        for dep in r.depends_on:
            if dep not in recs:
                out.append(Problem(file, f"{at}.depends_on", f"unknown recommendation '{dep}'"))
            elif dep == r.id:
                out.append(Problem(file, f"{at}.depends_on", "a recommendation cannot depend on itself"))
    cycle = _find_cycle({r.id: [d for d in r.depends_on if d in recs and d != r.id] for r in model.recommendations})
    if cycle:
        out.append(Problem(file, "recommendations", "dependency cycle in the roadmap: " + " -> ".join(cycle)))
    return out


def _find_cycle(graph: dict[str, list[str]]) -> list[str] | None:
    """One dependency cycle as a path (first node repeated at the end), or None."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for start in graph:
        if start not in state and (found := visit(start)):
            return found
    return None
