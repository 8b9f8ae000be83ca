"""A client's answers file: who the client is and what they answered, checked against a model.

The file is YAML::

    client:
      id: acme-saas
      name: ACME SaaS Inc.
      industry: SaaS
      assessment_date: 2026-10-01
      language: en
      profile: {business_model: B2B, arr_band: "1-10M USD", customers: 1200, cs_headcount: 8}  # the model's fields
    model: {id: cs-maturity, version: 1.0.0}      # optional: what it was answered against
    target: {level: cs2, by: 2027-12-31}          # optional: the level the client aims for
    respondent:                                   # optional: who answered (one of several, see below)
      id: r2                                      # unique within the client
      role: CS head                               # groups respondents; role weights read it
      name: Hana Sato                             # optional, shown only with anonymous: false
      department: Customer Success                # optional
      anonymous: false                            # optional, default true: the role alone is shown
    data:                                         # optional: the client's tables, relative
      accounts: acme_accounts.csv                 # to this file; each named file must exist
      survey: acme_survey.csv
    answers:
      kpi_defined: [retention, churn]             # a bare answer ...
      touch_status:                               # ... or an answer with its evidence
        answer: built
        evidence: Segmentation sheet shown in the workshop

Every problem of a file is collected before :class:`AnswersError` is raised. Questions
the file does not answer are allowed (a questionnaire may be saved half done); the
score treats them like "don't know" and reports them as unanswered.

One file is one respondent. Several files of the same client (a folder per client, or
files given together) are one assessment with several respondents; each names itself
in its ``respondent`` block. :mod:`csmaturity.respondents` loads and combines them.
``anonymous`` is per respondent and defaults to true: a name is shown only when its
respondent allows it, and a role held by a single anonymous respondent stays out of the
breakdown by role.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, ValidationError, field_validator

from .errors import AnswersError, Problem
from .io.files import MAX_NAME_BYTES, is_device_name, output_name_problems
from .io.schema import StrictModel, schema_problems
from .io.yamlfile import dump_yaml, read_yaml_file
from .model import DONT_KNOW, AnswerValue, MaturityModel

__all__ = [
    "DATA_KEYS",
    "ClientInfo",
    "ClientAnswers",
    "Target",
    "RespondentInfo",
    "AnswerValue",
    "load_answers",
    "parse_answers",
    "check_unique_client_ids",
    "blank_answers_yaml",
]


#: Text that must say something: surrounding spaces are dropped, and nothing may remain.
FilledText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class ClientInfo(StrictModel):
    id: FilledText
    name: FilledText
    industry: FilledText
    assessment_date: dt.date
    language: Literal["ja", "en"]
    #: ISO 4217 code of the client's money figures (ARR, revenue); see
    #: :attr:`csmaturity.assessment.Assessment.currency` for the default.
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    #: The model's profile fields (see :attr:`csmaturity.model.MaturityModel.profile`),
    #: checked against the model when the file is read.
    profile: dict[str, Any] = Field(default_factory=dict)

    @field_validator("id")
    @classmethod
    def _fits_a_file_name(cls, value: str) -> str:
        """The id names the client's output files, which file systems limit by bytes."""
        size = len(value.encode("utf-8"))
        if size > MAX_NAME_BYTES:
            raise ValueError(f"is {size} bytes in UTF-8; at most {MAX_NAME_BYTES} (it names the report files: "
                             f"about {MAX_NAME_BYTES // 3} Japanese characters)")
        if is_device_name(value):
            raise ValueError(f"{value!r} is a device name on Windows: the report files it names could not be "
                             "copied there; choose another id")
        return value


class _ModelRef(StrictModel):
    id: str
    version: str


#: Data files a client may name: the accounts and survey tables, and the previous
#: assessment (an answers file) with its survey, for the change since then.
DATA_KEYS = ("accounts", "survey", "previous", "previous_survey")


class _DataFiles(StrictModel):
    accounts: str | None = None
    survey: str | None = None
    previous: str | None = None
    previous_survey: str | None = None


class Target(StrictModel):
    """The level a client aims for (a level id of the model) and by when."""

    level: FilledText
    by: dt.date | None = None


class RespondentInfo(StrictModel):
    """Who gave one answers file: an id unique within the client, a role, and optionally
    a name and department. ``anonymous`` (default true) shows the role alone: name and
    department are never shown, and the respondent is never shown alone under a role
    no one else holds. The id is shown, so an anonymous respondent's id names no one."""

    id: FilledText
    role: FilledText
    name: FilledText | None = None
    department: FilledText | None = None
    anonymous: bool = True


class _AnswersFile(StrictModel):
    client: ClientInfo
    model: _ModelRef | None = None
    target: Target | None = None
    respondent: RespondentInfo | None = None
    data: _DataFiles | None = None
    answers: dict[str, Any] = Field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class ClientAnswers:
    """A validated answers file. ``answers`` maps question id to a normalised value:
    an option id (single, yes/no), a sorted list of option ids (multi), an int
    (scale) or :data:`DONT_KNOW`. ``raw`` is the mapping as read (what
    :func:`csmaturity.assessment.input_hash` hashes)."""

    client: ClientInfo
    answers: dict[str, AnswerValue]
    evidence: dict[str, str] = field(default_factory=dict)
    source: str = "<memory>"
    warnings: tuple[Problem, ...] = ()
    #: Data files named in the file's ``data`` section, resolved against its folder.
    data_files: dict[str, Path] = field(default_factory=dict)
    #: The level the client aims for (checked against the model), if the file names one.
    target: Target | None = None
    #: Who answered, if the file says (always, when it is one of several respondents).
    respondent: RespondentInfo | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


def load_answers(path: str | Path, model: MaturityModel) -> ClientAnswers:
    """Read and validate one answers file against ``model``.

    Raises
    ------
    AnswersError
        With every problem found in the file.
    """
    data, problems = read_yaml_file(path)
    if problems:
        raise AnswersError(problems)
    return parse_answers(data, model, file=str(path))


def _foreign_file(data: Any, model: MaturityModel, file: str) -> Problem | None:
    """The one problem of a file that is not this model's answers at all: another
    model's answers, or another kind of file (a model, a branding file) dropped where
    answers are read. None for anything that could be answers of ``model``."""
    if not isinstance(data, dict):
        return None
    if "client" not in data and "answers" not in data:
        keys = ", ".join(map(str, list(data)[:5]))
        return Problem(file, "", f"not an answers file: it has neither a 'client' nor an 'answers' block "
                                 f"(its keys: {keys}); give a client's answers file, or move this file elsewhere")
    ref = data.get("model")
    other = ref.get("id") if isinstance(ref, dict) else None
    if isinstance(other, str) and other != model.id:
        return Problem(file, "model.id", f"answers were made for model '{other}', but the model in use is "
                                         f"'{model.id}'; score them with that model")
    return None


def parse_answers(data: dict[str, Any], model: MaturityModel, file: str = "<memory>") -> ClientAnswers:
    """Validate already-loaded answers data; see :func:`load_answers`."""
    foreign = _foreign_file(data, model, file)
    if foreign is not None:  # every other problem would follow from this one
        raise AnswersError([foreign])
    problems: list[Problem] = []
    try:
        parsed = _AnswersFile.model_validate(data)
    except ValidationError as exc:
        problems.extend(schema_problems(exc, file, data))
        parsed = None
    raw_client = data.get("client") if isinstance(data, dict) else None
    raw_profile = raw_client.get("profile", {}) if isinstance(raw_client, dict) else None
    profile = _checked_profile(model, raw_profile, file, problems) if isinstance(raw_profile, dict) else {}
    if parsed is not None:
        if parsed.client.language not in model.languages:
            problems.append(Problem(file, "client.language", f"the model '{model.id}' is written in "
                                    f"{', '.join(model.languages)} only; got {parsed.client.language!r}"))
        parsed = parsed.model_copy(update={"client": parsed.client.model_copy(update={"profile": profile})})
    raw_answers = data.get("answers") if isinstance(data, dict) else None
    values: dict[str, AnswerValue] = {}
    evidence: dict[str, str] = {}
    if isinstance(raw_answers, dict):
        for qid, entry in raw_answers.items():
            _parse_one(model, file, str(qid), entry, values, evidence, problems)
    if parsed is not None and parsed.model is not None:  # another model's id: _foreign_file
        if parsed.model.version != model.version:
            problems.append(Problem(file, "model.version",
                                    f"answered against version {parsed.model.version}; scoring with {model.version}",
                                    severity="warning"))
    if parsed is not None and parsed.target is not None:
        levels = [lv.id for lv in model.levels]
        if parsed.target.level not in levels:
            problems.append(Problem(file, "target.level", f"unknown level '{parsed.target.level}'; "
                                    f"expected one of {levels}"))
        elif parsed.target.by is not None and parsed.target.by <= parsed.client.assessment_date:
            problems.append(Problem(file, "target.by", f"{parsed.target.by} is not after the assessment date "
                                    f"{parsed.client.assessment_date}"))
    data_files: dict[str, Path] = {}
    if parsed is not None and parsed.data is not None:
        base = Path(file).parent if file != "<memory>" else Path.cwd()
        for key, name in parsed.data.model_dump().items():
            if name:
                path = base / name
                if path.is_file():
                    data_files[key] = path
                else:
                    problems.append(Problem(file, f"data.{key}", f"file not found: {path}"))
    unanswered = [q.id for q in model.questions if q.id not in values]
    if unanswered and parsed is not None:
        problems.append(Problem(file, "answers",
                                f"{len(unanswered)} question(s) unanswered, scored as don't know: "
                                f"{', '.join(unanswered)}",
                                severity="warning"))
    errors = [p for p in problems if p.severity == "error"]
    if errors or parsed is None:
        raise AnswersError(problems)
    return ClientAnswers(
        client=parsed.client, answers=values, evidence=evidence, source=file,
        warnings=tuple(problems), data_files=data_files, raw=data, target=parsed.target,
        respondent=parsed.respondent,
    )


def _checked_profile(model: MaturityModel, raw: dict[Any, Any], file: str, problems: list[Problem]) -> dict[str, Any]:
    """The client's profile checked against the model's profile fields (problems appended)."""
    profile: dict[str, Any] = {}
    for key, value in raw.items():
        field = model.profile_by_id.get(str(key))
        if field is None:
            expected = f"expected one of {sorted(model.profile_by_id)}" if model.profile else "the model asks for none"
            problems.append(Problem(file, f"client.profile.{key}", f"unknown profile field; {expected}"))
        elif value is None:
            continue
        else:
            try:
                profile[field.id] = field.normalise(value)
            except ValueError as exc:
                problems.append(Problem(file, f"client.profile.{key}", str(exc)))
    for field in model.profile:
        if field.required and raw.get(field.id) is None:
            what = "required key is missing" if field.id not in raw else "required value is blank"
            problems.append(Problem(file, f"client.profile.{field.id}", f"{what}: {field.expects}"))
    return profile


def _parse_one(
    model: MaturityModel,
    file: str,
    qid: str,
    entry: Any,
    values: dict[str, AnswerValue],
    evidence: dict[str, str],
    problems: list[Problem],
) -> None:
    at = f"answers.{qid}"
    question = model.questions_by_id.get(qid)
    if question is None:
        problems.append(Problem(file, at, f"unknown question id '{qid}'; "
                                "expected one of the model's questions (see `csmaturity new-client`)"))
        return
    if isinstance(entry, dict):
        extra = set(entry) - {"answer", "evidence"}
        if extra:
            problems.append(Problem(file, at, f"unknown key(s) {sorted(extra)}; "
                                    "an answer takes 'answer' and optional 'evidence'"))
        if "answer" not in entry:
            problems.append(Problem(file, f"{at}.answer", "required key is missing"))
            return
        note = entry.get("evidence")
        if note is not None:
            if not isinstance(note, str):
                problems.append(Problem(file, f"{at}.evidence", f"expected text, got {type(note).__name__}"))
            elif note.strip():
                evidence[qid] = note.strip()
        at, entry = f"{at}.answer", entry["answer"]
    if entry is None:  # left blank: unanswered, not wrong
        return
    try:
        values[qid] = question.normalise(entry)
    except ValueError as exc:
        problems.append(Problem(file, at, str(exc)))


def check_unique_client_ids(clients: Iterable[ClientAnswers], reserved: Iterable[str] = ()) -> list[Problem]:
    """Problems for client ids used by more than one file, or that would write the same
    output files or a ``reserved`` name (see :func:`csmaturity.io.files.output_name_problems`)."""
    return output_name_problems(((c.client.id, c.source) for c in clients), reserved=reserved)


def blank_answers_yaml(model: MaturityModel, lang: str = "en", client_id: str = "new-client") -> str:
    """A ready-to-fill answers file: every profile field and every question as a
    comment with what it takes (a choice's options, a question's options)."""
    model.check_language(lang)
    client = {"id": client_id, "name": "", "industry": "", "assessment_date": dt.date.today().isoformat(),
              "language": lang}
    lines = [f"# {model.title.get(lang)} {model.version}", dump_yaml({"client": client}).rstrip()]
    if model.profile:
        lines.append("  profile:")
    for f in model.profile:
        named = [o.id if o.label.get(lang) == o.id else f"{o.id} ({o.label.get(lang)})" for o in f.options]
        takes = ", ".join(named) if f.options else f.expects + (f"; {f.help.get(lang)}" if f.help else "")
        lines.append(f"    # {f.label.get(lang)}: {takes}" + ("" if f.required else " (optional)"))
        # A required field shows a value to replace; an optional one is left empty.
        lines.append("    " + dump_yaml({f.id: f.placeholder}).strip() if f.required else f"    {f.id}:")
    lines += [dump_yaml({"model": model.ref}).rstrip(), "answers:"]
    for dim in model.dimensions:
        lines.append(f"  # === {dim.name.get(lang)} ===")
        for q in (q for q in model.questions if q.dimension == dim.id):
            lines.append(f"  # {q.text.get(lang)}")
            if q.scale is not None:
                lines.append(f"  #   scale {q.scale.min}..{q.scale.max}")
            for o in q.options:
                lines.append(f"  #   {o.id}: {o.label.get(lang)}")
            if q.accepts_dont_know:
                lines.append(f"  #   {DONT_KNOW}")
            hint = "  # a list, e.g. [a, b]" if q.is_multi else ""
            lines.append(f"  {q.id}:\n    answer:{hint}\n    evidence: \"\"")
    return "\n".join(lines) + "\n"
