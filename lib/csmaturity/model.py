"""The maturity model: a versioned YAML document, its schema and its validation.

Pydantic checks the *shape* of the document (types, required keys, unknown keys:
typos in a copied model are caught rather than ignored). The cross-references that a
schema cannot express -- a question's dimension exists, every text is written in each
of the model's languages, levels tile the model's score scale without gap or overlap,
recommendations point at real questions, the roadmap has no dependency cycle -- are
checked afterwards, and every problem of the file is reported together.

The model decides everything an instrument may differ in: its languages, its score
scale and levels, its scoring rules, whether it has benchmarks (any number) and roadmap
phases, the client profile fields it asks for, and feedback per answer option.
Documents of schema version 1 (the first format) are upgraded when read.

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

from pydantic import ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import ModelError, Problem, check_argument
from .i18n import LANGUAGES, check_language, text
from .io.schema import StrictModel as _Strict
from .io.schema import schema_problems
from .io.yamlfile import read_yaml_file

__all__ = [
    "LocalText",
    "ScoreScale",
    "ProfileField",
    "Feedback",
    "Dimension",
    "Option",
    "Scale",
    "BenchmarkLink",
    "Question",
    "Level",
    "Phase",
    "Trigger",
    "Role",
    "Recommendation",
    "DEFAULT_MONTHS",
    "BenchmarkItem",
    "Cohort",
    "Benchmark",
    "ProfileOption",
    "ScoringRules",
    "MaturityModel",
    "SCHEMA_VERSION",
    "DEFAULT_CURRENCY",
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


#: Largest weight or number of points: scores multiply and add them, and a model with
#: weights near the float limit (1e308) would score infinity instead of a number.
MAX_NUMBER = 1_000_000

#: The currency of money figures when neither the client nor the model names one.
DEFAULT_CURRENCY = {"ja": "JPY", "en": "USD"}

#: The schema version this kit writes; version 1 documents are upgraded on reading.
SCHEMA_VERSION = 2
Language = Literal["ja", "en"]


class LocalText(_Strict):
    """A text in the model's languages (which ones the model declares in ``languages``;
    validation checks that each is given)."""

    ja: str | None = Field(default=None, min_length=1)
    en: str | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _some_text(self) -> LocalText:
        if self.ja is None and self.en is None:
            raise ValueError(f"a text needs at least one of {', '.join(LANGUAGES)}")
        return self

    def get(self, lang: str) -> str:
        """The text in ``lang``; ValueError when the text is not written in it (a model
        checks its languages on loading, and front doors check the report language
        against them, so this means a language the model does not declare)."""
        value = getattr(self, check_language(lang))
        if value is None:
            raise ValueError(f"this text is not written in {lang!r}")
        return value


class ScoreScale(_Strict):
    """The scale scores are reported on: dimension and overall scores run from ``min``
    (nothing in place) to ``max`` (everything in place); levels and gates are given on
    it. The default is 0-100; an instrument may use its own (e.g. mean answer 1-4)."""

    min: float = Field(default=0, ge=-MAX_NUMBER, le=MAX_NUMBER)
    max: float = Field(default=100, ge=-MAX_NUMBER, le=MAX_NUMBER)
    #: Decimals shown in reports (scores are computed at full precision).
    decimals: int = Field(default=0, ge=0, le=3)

    @model_validator(mode="after")
    def _ordered(self) -> ScoreScale:
        if self.min >= self.max:
            raise ValueError(f"min ({self.min:g}) must be below max ({self.max:g})")
        return self

    @property
    def span(self) -> float:
        return self.max - self.min

    def from_fraction(self, fraction: float) -> float:
        """The score of a fraction in [0, 1] of full marks."""
        return self.min + self.span * fraction

    def to_fraction(self, score: float) -> float:
        return (score - self.min) / self.span

    def format(self, score: float) -> str:
        """``score`` with the scale's decimals (``"63"``, ``"2.8"``)."""
        return f"{score:.{self.decimals}f}"



class Dimension(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: LocalText
    description: LocalText | None = None
    weight: float = Field(ge=0, le=MAX_NUMBER)


class Feedback(_Strict):
    """What an answer option tells the client: an insight (what the answer means) and a
    next step (what to do now). A feedback with ``when`` applies to clients whose
    profile matches: each named profile field has one of the listed values."""

    when: dict[str, list[str]] = Field(default_factory=dict)
    insight: LocalText | None = None
    next_step: LocalText | None = None

    @model_validator(mode="before")
    @classmethod
    def _single_values(cls, data: Any) -> Any:
        """``when: {segment: smb}`` reads as ``when: {segment: [smb]}``."""
        if isinstance(data, dict) and isinstance(data.get("when"), dict):
            data = dict(data)
            data["when"] = {k: [str(x) if isinstance(x, (int, float)) and not isinstance(x, bool) else x
                                for x in (v if isinstance(v, list) else [v])]
                            for k, v in data["when"].items()}
        return data

    def matches(self, profile: dict[str, Any]) -> bool:
        return all(str(profile.get(field)) in [str(v) for v in values] for field, values in self.when.items())


class Option(_Strict):
    #: Optional in the file: an option without an id is named by its position ("1", "2", ...).
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_]*$")
    label: LocalText
    points: float = Field(ge=0, le=MAX_NUMBER)
    #: Chosen alone only (e.g. "none of these"): cannot be combined in a multi choice.
    exclusive: bool = False
    insight: LocalText | None = None
    next_step: LocalText | None = None
    #: Feedback for clients of a profile segment, used instead of the general one
    #: (the first that matches wins).
    by_segment: list[Feedback] = Field(default_factory=list)

    def feedback(self, profile: dict[str, Any]) -> Feedback | None:
        """The insight and next step for a client with ``profile`` (None when the
        option has neither)."""
        special = next((f for f in self.by_segment if f.matches(profile)), None)
        if special is not None:
            return special
        if self.insight is None and self.next_step is None:
            return None
        return Feedback(insight=self.insight, next_step=self.next_step)


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
    #: How option points become a fraction (single choice and yes/no): ``zero`` =
    #: points / top points, ``lowest`` = (points - lowest) / (top - lowest). Unset in
    #: the file: the model's ``scoring.option_points``.
    points_from: Literal["zero", "lowest"] = "zero"
    benchmark: list[BenchmarkLink] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _default_options(cls, data: Any) -> Any:
        """A yes/no question gets its two options unless the model spells them out, and
        an option without an id is named by its position (``"1"``, ``"2"``, ...)."""
        if not isinstance(data, dict):
            return data
        if data.get("type") == "yes_no" and not data.get("options"):
            data = dict(data)
            data["options"] = [
                {"id": answer, "label": {lang: text(f"yes_no.{answer}", lang) for lang in LANGUAGES}, "points": points}
                for answer, points in (("yes", 1), ("no", 0))
            ]
        options = data.get("options")
        if isinstance(options, list) and any(isinstance(o, dict) and "id" not in o for o in options):
            data = dict(data)
            data["options"] = [{"id": str(k), **o} if isinstance(o, dict) and "id" not in o else o
                               for k, o in enumerate(options, start=1)]
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

    @property
    def floor_points(self) -> float:
        """Points that make the fraction 0: 0, or the lowest option's points for a
        single choice or yes/no scored ``points_from: lowest``."""
        if self.points_from == "lowest" and self.type in ("single", "yes_no"):
            return min((o.points for o in self.options), default=0.0)
        return 0.0

    def fraction(self, value: AnswerValue) -> float:
        """The score in [0, 1] a normalised, known answer earns.

        - single choice and yes/no: points of the chosen option / the highest option points
          (with ``points_from: lowest``: counted from the lowest option's points);
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
        floor = self.floor_points
        return (min(points, self.full_points) - floor) / (self.full_points - floor)

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
        value = self._numbered(value, option_ids)
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

    @staticmethod
    def _numbered(value: Any, option_ids: list[str]) -> Any:
        """Options named by number ("1", "2", ...) are answered with the number itself."""
        if isinstance(value, list):
            return [Question._numbered(v, option_ids) for v in value]
        if isinstance(value, int) and not isinstance(value, bool) and str(value) in option_ids:
            return str(value)
        return value

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
    """A band of the score scale. ``min`` is where it starts; ``max`` (where the next
    starts) may be left out: it is the next level's ``min``, or the scale's top."""

    id: str
    #: A short stage name shown beside the level's name (optional).
    stage: str | None = None
    name: LocalText
    description: LocalText | None = None
    min: float = Field(ge=-MAX_NUMBER, le=MAX_NUMBER)
    max: float = Field(ge=-MAX_NUMBER, le=MAX_NUMBER)
    #: Minimum dimension scores (on the score scale) required to hold this level,
    #: whatever the overall.
    gates: dict[str, float] = Field(default_factory=dict)


class Phase(_Strict):
    id: str
    name: LocalText
    horizon: LocalText | None = None
    start_month: int | None = Field(default=None, ge=0)
    end_month: int | None = Field(default=None, gt=0)


class Trigger(_Strict):
    """A recommendation applies when a question's fraction is below ``below``, when
    (multi choice) any of ``lacks`` is not selected, or when the answer picks any of
    ``chosen`` (e.g. a middle option)."""

    question: str
    below: float | None = Field(default=None, gt=0, le=1)
    lacks: list[str] = Field(default_factory=list)
    chosen: list[str] = Field(default_factory=list)

    @field_validator("lacks", "chosen", mode="before")
    @classmethod
    def _option_ids(cls, value: Any) -> Any:
        """Numbered options may be named by their number (``chosen: [2, 3]``)."""
        return [str(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in value] \
            if isinstance(value, list) else value

    @model_validator(mode="after")
    def _one_condition(self) -> Trigger:
        if self.below is None and not self.lacks and not self.chosen:
            raise ValueError("a trigger needs 'below' (a fraction in (0, 1]), 'lacks' or 'chosen' (option ids)")
        return self


class Role(_Strict):
    """Who can own an action (``Head of CS``, ``IT and data``...)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: LocalText


#: Typical months an action takes when the model does not say, by effort.
DEFAULT_MONTHS = {"S": 1, "M": 2, "L": 4}


class Recommendation(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: LocalText
    action: LocalText
    #: The roadmap phase (required when the model has phases, absent when it has none).
    phase: str | None = None
    triggers: list[Trigger] = Field(min_length=1)
    depends_on: list[str] = Field(default_factory=list)
    effort: Literal["S", "M", "L"] = "M"
    #: The role (an id of the model's ``roles``) that owns it.
    owner: str | None = None
    #: Typical duration; unset: :data:`DEFAULT_MONTHS` of its effort.
    duration_months: int | None = Field(default=None, ge=1, le=60)
    #: The measure that shows it worked.
    kpi: LocalText | None = None

    @property
    def months(self) -> int:
        return self.duration_months or DEFAULT_MONTHS[self.effort]


class BenchmarkItem(_Strict):
    """A published figure: the share of each cohort with the practice (``None`` = not
    published, never guessed)."""

    id: str
    label: LocalText
    shares: dict[str, float | None]
    note: str | None = None

    @field_validator("shares")
    @classmethod
    def _share_range(cls, shares: dict[str, float | None]) -> dict[str, float | None]:
        bad = {k: v for k, v in shares.items() if v is not None and not 0 <= v <= 1}
        if bad:
            raise ValueError(f"a share is a fraction from 0 to 1; got {bad}")
        return shares


class Cohort(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: LocalText
    #: Respondents in the cohort, when the source gives it.
    n: int | None = Field(default=None, gt=0)


class Benchmark(_Strict):
    """One published survey the client is compared with."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    source: LocalText
    year: int | None = Field(default=None, ge=1900, le=2200)
    #: When the survey was fielded (free text such as ``2021-02``).
    fielded: str | None = None
    cohorts: list[Cohort] = Field(min_length=1)
    #: Two cohort ids, the leading then the lagging one: how far the practice
    #: separates them ranks the client's gaps, and the client's answers are compared
    #: with both. Without it, the client is only shown beside the cohorts.
    contrast: tuple[str, str] | None = None
    #: The correlation assumed between the practices when the client is compared with the
    #: contrast: firms that have one practice tend to have the next, so k items carry the
    #: evidence of fewer independent ones (see :mod:`csmaturity.benchmark`).
    item_correlation: float = Field(default=0.3, ge=0, le=1)
    items: list[BenchmarkItem] = Field(min_length=1)

    def item(self, item_id: str) -> BenchmarkItem | None:
        return next((i for i in self.items if i.id == item_id), None)

    def cohort(self, cohort_id: str) -> Cohort:
        return next(c for c in self.cohorts if c.id == cohort_id)


class ProfileOption(_Strict):
    id: str = Field(min_length=1)
    label: LocalText


class ProfileField(_Strict):
    """A fact about the client the model asks for (segment, size, ...): shown in the
    report, asked by the intake and the form, and offered as a portfolio segment when
    it is a choice or text."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: LocalText
    type: Literal["choice", "text", "whole", "number"]
    #: Choice fields: the allowed values (ids) with their labels.
    options: list[ProfileOption] = Field(default_factory=list)
    required: bool = True
    help: LocalText | None = None

    @property
    def is_segment(self) -> bool:
        """Whether clients can be grouped by it (a choice or a text)."""
        return self.type in ("choice", "text")

    @property
    def expects(self) -> str:
        """What a value of this field is, for messages (``one of ['B2B', 'B2C']``, ``a whole number``)."""
        return {"choice": f"one of {[o.id for o in self.options]}", "text": "text",
                "whole": "a whole number", "number": "a number"}[self.type]

    @property
    def placeholder(self) -> str | int:
        """What a blank answers file shows for the field: the first option, or empty."""
        return self.options[0].id if self.options else 0 if self.type in ("whole", "number") else ""

    def value_label(self, value: Any, lang: str) -> str:
        option = next((o for o in self.options if o.id == str(value)), None)
        return option.label.get(lang) if option is not None else str(value)

    def normalise(self, value: Any) -> str | int | float:
        """The checked value of this field; ValueError says what was expected."""
        if self.type == "choice":
            ids = [o.id for o in self.options]
            if str(value) in ids and not isinstance(value, bool):
                return str(value)
            raise ValueError(f"{value!r} is not one of {ids}" + _bool_hint(value))
        if self.type == "text":
            if isinstance(value, str) and value.strip():
                return value.strip()
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return str(value)
            raise ValueError(f"expected text, got {_show(value)}")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ValueError(f"expected a number, got {_show(value)}")
        if value < 0:
            raise ValueError(f"expected a number of 0 or more, got {value:g}")
        if self.type == "whole":
            if not float(value).is_integer():
                raise ValueError(f"expected a whole number, got {value!r}")
            return int(value)
        return float(value)


class ScoringRules(_Strict):
    #: "zero": a don't-know (or blank) answer scores 0 (not knowing is itself a gap);
    #: "exclude": it is left out of its dimension's denominator.
    dont_know: Literal["zero", "exclude"] = "zero"
    #: A dimension with no counted answer: "zero" scores it at the bottom of the scale;
    #: "exclude" leaves it out of the overall score (its weight is shared by the rest).
    empty_dimension: Literal["zero", "exclude"] = "zero"
    #: Default :attr:`Question.points_from` of single-choice and yes/no questions.
    option_points: Literal["zero", "lowest"] = "zero"
    #: Below this share of answered questions the level is marked provisional.
    provisional_below_coverage: float = Field(default=0.8, ge=0, le=1)
    #: How several respondents' answers to a question become the client's (see
    #: :mod:`csmaturity.respondents`): the mean of their fractions, the median, the
    #: minimum ("weakest link"), or a mean weighted by role (``role_weights``).
    combine: Literal["mean", "median", "min", "role_weights"] = "mean"
    #: Weight of each respondent role (as the answers files write it, case aside) when
    #: ``combine`` is ``role_weights``; a role not listed weighs 1.
    role_weights: dict[str, float] = Field(default_factory=dict)

    @field_validator("role_weights")
    @classmethod
    def _positive_weights(cls, weights: dict[str, float]) -> dict[str, float]:
        bad = [role for role, w in weights.items() if not 0 < w <= MAX_NUMBER]
        if bad:
            raise ValueError(f"a role weight is a number above 0 and at most {MAX_NUMBER}; got {bad}")
        keys = [role.strip().casefold() for role in weights]
        if "" in keys or len(set(keys)) != len(keys):
            raise ValueError("role names must be filled in and differ other than in case")
        return weights

    @model_validator(mode="after")
    def _weights_with_their_rule(self) -> ScoringRules:
        if self.combine == "role_weights" and not self.role_weights:
            raise ValueError("combine: role_weights needs role_weights ({role: weight, ...})")
        if self.role_weights and self.combine != "role_weights":
            raise ValueError(f"role_weights apply only with combine: role_weights (combine is {self.combine!r})")
        return self

    def role_weight(self, role: str) -> float:
        """The weight of a respondent ``role`` under this rule (1 when not weighted or not listed)."""
        if self.combine != "role_weights":
            return 1.0
        wanted = role.strip().casefold()
        return next((w for r, w in self.role_weights.items() if r.strip().casefold() == wanted), 1.0)


class MaturityModel(_Strict):
    schema_version: Literal[2]
    id: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    version: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    #: The languages every text of the model is written in; reports come in these.
    languages: list[Language] = Field(default_factory=lambda: list(LANGUAGES), min_length=1)
    title: LocalText
    description: LocalText | None = None
    score_scale: ScoreScale = ScoreScale()
    scoring: ScoringRules = ScoringRules()
    #: ISO 4217 code of money figures for clients that do not name one (default: by
    #: report language, see :data:`DEFAULT_CURRENCY`).
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    profile: list[ProfileField] = Field(default_factory=list)
    dimensions: list[Dimension] = Field(min_length=1)
    questions: list[Question] = Field(min_length=1)
    levels: list[Level] = Field(min_length=2)
    phases: list[Phase] = Field(default_factory=list)
    roles: list[Role] = Field(default_factory=list)
    recommendations: list[Recommendation] = Field(default_factory=list)
    benchmarks: list[Benchmark] = Field(default_factory=list)

    model_config = ConfigDict(extra="forbid", frozen=True, ignored_types=(cached_property,))

    @model_validator(mode="before")
    @classmethod
    def _fill_defaults(cls, data: Any) -> Any:
        """Fill what the file may leave out: each level's ``max`` (the next level's
        ``min``, the scale's top for the last) and each question's ``points_from``
        (the model's ``scoring.option_points``)."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        levels = data.get("levels")
        if isinstance(levels, list) and all(isinstance(lv, dict) for lv in levels):
            scale = data.get("score_scale") if isinstance(data.get("score_scale"), dict) else {}
            top = scale.get("max", ScoreScale.model_fields["max"].default)
            data["levels"] = [
                lv if "max" in lv else {**lv, "max": levels[k + 1].get("min") if k + 1 < len(levels) else top}
                for k, lv in enumerate(levels)
            ]
        scoring = data.get("scoring") if isinstance(data.get("scoring"), dict) else {}
        points_from = scoring.get("option_points")
        questions = data.get("questions")
        if points_from is not None and isinstance(questions, list):
            data["questions"] = [{"points_from": points_from, **q} if isinstance(q, dict) else q for q in questions]
        return data

    @cached_property
    def questions_by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    @cached_property
    def dimensions_by_id(self) -> dict[str, Dimension]:
        return {d.id: d for d in self.dimensions}

    @cached_property
    def profile_by_id(self) -> dict[str, ProfileField]:
        return {f.id: f for f in self.profile}

    def question(self, question_id: str) -> Question:
        return self.questions_by_id[question_id]

    def phase_index(self, phase_id: str | None) -> int:
        """Position of a phase in the roadmap (0 for every step of a model without phases)."""
        return 0 if phase_id is None else [p.id for p in self.phases].index(phase_id)

    def level_for(self, score: float) -> Level:
        """The level whose [min, max) band holds ``score`` (the top band includes its max)."""
        for level in self.levels:
            if level.min <= score < level.max:
                return level
        return self.levels[-1]

    def check_language(self, lang: str) -> str:
        """``lang`` when the model is written in it, else an argument error naming the
        model's languages."""
        check_argument(lang in self.languages, "lang",
                       f"the model '{self.id}' is written in {', '.join(self.languages)} only; got {lang!r}")
        return lang

    def benchmark_item(self, item_id: str) -> tuple[Benchmark, BenchmarkItem] | None:
        """The benchmark holding ``item_id`` and the item (item ids are unique across benchmarks)."""
        for bench in self.benchmarks:
            item = bench.item(item_id)
            if item is not None:
                return bench, item
        return None

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


def upgrade(data: Any) -> Any:
    """A schema-version-1 document in the current form (others unchanged).

    Version 1 had one benchmark with the fixed cohorts ``effective`` and
    ``not_effective`` and a client profile fixed in code; the upgrade writes that
    benchmark as the first of ``benchmarks`` and gives the model the profile fields
    version 1 asked for (the shipped model's).
    """
    if not isinstance(data, dict) or data.get("schema_version") != 1:
        return data
    data = {**data, "schema_version": SCHEMA_VERSION}
    bench = data.pop("benchmark", None)
    if isinstance(bench, dict):
        new = {k: v for k, v in bench.items() if k not in ("cohorts", "items")}
        cohorts = bench.get("cohorts")
        new["id"] = "survey"
        new["cohorts"] = ([{"id": k, **v} if isinstance(v, dict) else v for k, v in cohorts.items()]
                          if isinstance(cohorts, dict) else cohorts)
        new["contrast"] = ["effective", "not_effective"]
        new["items"] = [
            {**{k: v for k, v in item.items() if k not in _V1_COHORTS},
             "shares": {k: item[k] for k in _V1_COHORTS if k in item}} if isinstance(item, dict) else item
            for item in bench.get("items") or []
        ]
        data["benchmarks"] = [new]
    if "profile" not in data:
        shipped, _ = read_yaml_file(default_model_path())
        data["profile"] = shipped["profile"]
    return data


_V1_COHORTS = ("effective", "not_effective")


def parse_model(data: dict[str, Any], file: str = "<memory>") -> MaturityModel:
    """Validate already-loaded model data; see :func:`load_model`."""
    data = upgrade(data)
    try:
        model = MaturityModel.model_validate(data)
    except ValidationError as exc:
        raise ModelError(schema_problems(exc, file, data) + _references_despite_shape_errors(data, exc, file)) from None
    problems = _check_references(model, file)
    if any(p.severity == "error" for p in problems):
        raise ModelError(problems)
    return model


_LISTS = {("dimensions",), ("questions",), ("levels",), ("phases",), ("recommendations",), ("benchmarks",),
          ("profile",)}


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
        # a set-aside benchmark takes its items with it: links to them are not news
        removed_ids |= {str(item.get("id")) for i in indexes if key == ("benchmarks",) and isinstance(items[i], dict)
                        for item in _list(items[i].get("items")) if isinstance(item, dict)}
        parent[key[-1]] = [item for i, item in enumerate(items) if i not in indexes]
    try:
        model = MaturityModel.model_validate(pruned)
    except ValidationError:
        return []
    return [p for p in _check_references(model, file) if not any(f"'{rid}'" in p.message for rid in removed_ids)]


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


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
        "roles": [role.id for role in model.roles],
        "recommendations": [r.id for r in model.recommendations],
        "benchmarks": [b.id for b in model.benchmarks],
        "benchmarks.items": [i.id for b in model.benchmarks for i in b.items],
        "benchmarks.cohorts": [c.id for b in model.benchmarks for c in b.cohorts],
        "profile": [f.id for f in model.profile],
    }.items():
        for dup in _duplicates(ids):
            err(f"{key}[{dup}]", f"id '{dup}' is used more than once; ids must be unique"
                + (" across all benchmarks" if key.startswith("benchmarks.") else ""))

    out.extend(_check_languages(model, file))
    dims = {d.id for d in model.dimensions}
    if not any(d.weight > 0 for d in model.dimensions):
        err("dimensions", "at least one dimension needs a weight above 0")
    items = {i.id for b in model.benchmarks for i in b.items}
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
                err(f"{at}.benchmark[{k}].item", f"unknown benchmark item '{link.item}'"
                    + ("; the model has no benchmarks" if not model.benchmarks else ""))
            for opt in link.options:
                if opt not in option_ids:
                    err(f"{at}.benchmark[{k}].options",
                        f"'{opt}' is not an option of this question; expected one of {sorted(option_ids)}")
        for o in q.options:
            out.extend(_check_feedback(model, file, f"{at}.options[{o.id}]", o))
    for d in model.dimensions:
        if d.weight > 0 and per_dim_weight[d.id] <= 0:
            err(f"dimensions[{d.id}]", "has a weight but no question with a weight above 0")

    out.extend(_check_levels(model, file, dims))
    out.extend(_check_recommendations(model, file))
    out.extend(_check_benchmarks(model, file))
    out.extend(_check_profile(model, file))
    return out


#: Missing texts listed per language before the rest are summed up in one line.
_MISSING_TEXTS_SHOWN = 8


def _texts(node: Any, path: str) -> Any:
    """Every :class:`LocalText` under ``node`` with its key path (list items by id)."""
    if isinstance(node, LocalText):
        yield path, node
    elif isinstance(node, _Strict):
        for name in type(node).model_fields:
            yield from _texts(getattr(node, name), f"{path}.{name}".lstrip("."))
    elif isinstance(node, (list, tuple)):
        for k, item in enumerate(node):
            yield from _texts(item, f"{path}[{getattr(item, 'id', k)}]")
    elif isinstance(node, dict):
        for key, item in node.items():
            yield from _texts(item, f"{path}.{key}")


def _check_languages(model: MaturityModel, file: str) -> list[Problem]:
    """Every text of the model in each of its declared languages."""
    out: list[Problem] = []
    texts = list(_texts(model, ""))
    for lang in model.languages:
        missing = [path for path, t in texts if getattr(t, lang) is None]
        out += [Problem(file, f"{path}.{lang}", f"the model declares languages {model.languages}; "
                        f"this text has no {lang!r}") for path in missing[:_MISSING_TEXTS_SHOWN]]
        if len(missing) > _MISSING_TEXTS_SHOWN:
            others = [lg for lg in LANGUAGES if lg != lang]
            out.append(Problem(file, "languages", f"{len(missing) - _MISSING_TEXTS_SHOWN} more texts have no "
                               f"{lang!r}; if the model is written in {', '.join(others)} only, declare "
                               f"'languages: [{', '.join(others)}]'"))
    return out


def _check_feedback(model: MaturityModel, file: str, at: str, option: Option) -> list[Problem]:
    out: list[Problem] = []
    for k, fb in enumerate(option.by_segment):
        if fb.insight is None and fb.next_step is None:
            out.append(Problem(file, f"{at}.by_segment[{k}]", "a segment feedback needs 'insight' or 'next_step'"))
        if not fb.when:
            out.append(Problem(file, f"{at}.by_segment[{k}].when",
                               "name the profile values it applies to (the general feedback goes on the option)"))
        for field_id, values in fb.when.items():
            field = model.profile_by_id.get(field_id)
            if field is None:
                expected = sorted(model.profile_by_id)
                out.append(Problem(file, f"{at}.by_segment[{k}].when.{field_id}",
                                   f"unknown profile field '{field_id}'; expected one of {expected}"))
            elif field.type == "choice":
                ids = [o.id for o in field.options]
                out += [Problem(file, f"{at}.by_segment[{k}].when.{field_id}", f"'{v}' is not one of {ids}")
                        for v in values if str(v) not in ids]
    return out


def _check_benchmarks(model: MaturityModel, file: str) -> list[Problem]:
    out: list[Problem] = []
    for b in model.benchmarks:
        at = f"benchmarks[{b.id}]"
        cohorts = [c.id for c in b.cohorts]
        if b.contrast is not None:
            for cid in b.contrast:
                if cid not in cohorts:
                    out.append(Problem(file, f"{at}.contrast", f"unknown cohort '{cid}'; expected one of {cohorts}"))
            if b.contrast[0] == b.contrast[1]:
                out.append(Problem(file, f"{at}.contrast", "name two different cohorts: the leading, then the lagging"))
        for item in b.items:
            for cid in item.shares:
                if cid not in cohorts:
                    out.append(Problem(file, f"{at}.items[{item.id}].shares.{cid}",
                                       f"unknown cohort '{cid}'; expected one of {cohorts}"))
    return out


#: The client fields outside the profile (answers files, forms and the intake share them).
_CLIENT_KEYS = ("id", "name", "industry", "assessment_date", "language", "profile")


def _check_profile(model: MaturityModel, file: str) -> list[Problem]:
    out: list[Problem] = []
    for f in model.profile:
        at = f"profile[{f.id}]"
        if f.id in _CLIENT_KEYS:
            out.append(Problem(file, f"{at}.id", f"'{f.id}' is a client field every answers file has; "
                               "choose another id"))
        if f.type == "choice" and len(f.options) < 2:
            out.append(Problem(file, f"{at}.options", "a choice field needs at least 2 options"))
        if f.type != "choice" and f.options:
            out.append(Problem(file, f"{at}.options", f"only choice fields take options (this one is {f.type})"))
        for dup in _duplicates([o.id for o in f.options]):
            out.append(Problem(file, f"{at}.options[{dup}]", f"option id '{dup}' is used more than once"))
    return out


def _check_levels(model: MaturityModel, file: str, dims: set[str]) -> list[Problem]:
    out: list[Problem] = []
    levels = sorted(model.levels, key=lambda lv: lv.min)
    if [lv.id for lv in levels] != [lv.id for lv in model.levels]:
        out.append(Problem(file, "levels", "levels must be listed from lowest to highest 'min'"))
    lo_end, hi_end = model.score_scale.min, model.score_scale.max
    for lv in levels:
        if lv.min >= lv.max:
            out.append(Problem(file, f"levels[{lv.id}]", f"min ({lv.min:g}) must be below max ({lv.max:g})"))
        for dim, required in lv.gates.items():
            if dim not in dims:
                out.append(Problem(file, f"levels[{lv.id}].gates.{dim}", f"unknown dimension '{dim}'"))
            elif not lo_end <= required <= hi_end:
                out.append(Problem(file, f"levels[{lv.id}].gates.{dim}", f"{required:g} is off the score scale "
                                   f"({lo_end:g}-{hi_end:g})"))
    if levels[0].min != lo_end:
        out.append(Problem(file, f"levels[{levels[0].id}].min",
                           f"the lowest level must start at the bottom of the score scale, {lo_end:g} "
                           f"(starts at {levels[0].min:g}; see score_scale)"))
    if levels[-1].max != hi_end:
        out.append(Problem(file, f"levels[{levels[-1].id}].max",
                           f"the highest level must end at the top of the score scale, {hi_end:g} "
                           f"(ends at {levels[-1].max:g}; see score_scale)"))
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
    for p in model.phases:
        if p.start_month is not None and p.end_month is not None and p.start_month >= p.end_month:
            out.append(Problem(file, f"phases[{p.id}]",
                               f"start_month ({p.start_month}) must be before end_month ({p.end_month})"))
    roles = [role.id for role in model.roles]
    for r in model.recommendations:
        at = f"recommendations[{r.id}]"
        if r.owner is not None and r.owner not in roles:
            out.append(Problem(file, f"{at}.owner", f"unknown role '{r.owner}'; "
                               + (f"expected one of {roles}" if roles else "the model defines no roles")))
        if r.phase is None and phases:
            out.append(Problem(file, f"{at}.phase", f"required: the roadmap phase, one of {sorted(phases)}"))
        elif r.phase is not None and r.phase not in phases:
            out.append(Problem(file, f"{at}.phase", f"unknown phase '{r.phase}'; "
                               + (f"expected one of {sorted(phases)}" if phases else "the model has no phases")))
        for k, t in enumerate(r.triggers):
            q = model.questions_by_id.get(t.question)
            if q is None:
                out.append(Problem(file, f"{at}.triggers[{k}].question", f"unknown question '{t.question}'"))
                continue
            for key, opts in (("lacks", t.lacks), ("chosen", t.chosen)):
                for opt in opts:
                    if q.option(str(opt)) is None:
                        out.append(Problem(file, f"{at}.triggers[{k}].{key}",
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
