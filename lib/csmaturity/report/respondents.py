"""The report's view of several respondents: who answered, the consensus with its
spread, where the team disagrees, how the roles see it differently, and how firm the
level is.

Everything here reads :attr:`csmaturity.assessment.Assessment.respondents` (the engine's
:class:`~csmaturity.respondents.Respondents`) and only decides what to show and how to
say it: the HTML section (:func:`respondents_context`, ``templates/report_respondents.html.j2``),
its heat map (:func:`respondent_figures`), the workbook's sheets
(:func:`write_respondent_sheets`) and the verdict's sentence (:func:`robustness_sentence`).

What is shown of one person follows the engine's privacy rule: a name (and department)
only when the respondent allowed it, and nothing one by one -- no own score, no
column in the heat map, no attributed answer -- for a respondent whose role is hidden
(held by fewer than two people who did not all allow it). Such a respondent counts in
the consensus, the spread and the agreement like everyone else, and a note says so.
A client with a single respondent has no section.
"""

from __future__ import annotations

import functools
import warnings
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import pandas as pd

from ..i18n import join_list, labels, text
from ..io.sheets import row_height
from ..plotting import charts
from .formatting import fmt_number, fmt_percent, fmt_score
from .tables import answer_text

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..respondents import Respondents
    from .excel import SheetBook
    from .results import ReportResults

__all__ = ["team", "people_rows", "spread_rows", "score_matrix", "contested_rows", "role_gap_sentences",
           "robustness_sentence", "respondent_figures", "respondents_context", "write_respondent_sheets",
           "CONTESTED", "ROLE_GAPS"]

#: Questions shown as the most contested.
CONTESTED = 5
#: Dimensions whose role gap is written out for the read-out.
ROLE_GAPS = 3
#: A role gap narrower than this share of the scale is not worth a workshop's time.
MIN_ROLE_GAP = 0.1
#: Widest columns of the workbook's respondents sheet.
PEOPLE_WIDTHS = {"who": 30, "role": 18, "department": 22, "coverage": 14, "own_score": 16, "own_level": 18}


_T = TypeVar("_T")
#: What has been worked out for a report's results, by function: the page, the workbook
#: and the verdict read the same rows, computed once (forgotten with the results).
_MEMO: weakref.WeakKeyDictionary[ReportResults, dict[str, Any]] = weakref.WeakKeyDictionary()


def _once(function: Callable[[ReportResults], _T]) -> Callable[[ReportResults], _T]:
    """``function(results)`` computed once per results object (callers copy before they
    change what it returns)."""
    @functools.wraps(function)
    def once(results: ReportResults) -> _T:
        memo = _MEMO.setdefault(results, {})
        if function.__name__ not in memo:
            memo[function.__name__] = function(results)
        return memo[function.__name__]
    return once


def team(results: ReportResults) -> Respondents | None:
    """The respondents of a report when there are several; None for a single one."""
    found = results.assessment.respondents
    return found if found is not None and found.count >= 2 else None


def _key(role: str) -> str:
    return role.strip().casefold()


@_once
def _who(results: ReportResults) -> pd.DataFrame:
    found = team(results)
    assert found is not None
    return _people(found, results.lang)


@_once
def _answers(results: ReportResults) -> dict[tuple[str, str], dict[str, Any]]:
    """Every respondent's answer by ``(question id, respondent id)``: ``value``,
    ``fraction`` (NaN unless known) and ``evidence`` (None without)."""
    found = team(results)
    assert found is not None
    return found.answers[["value", "fraction", "evidence"]].to_dict(orient="index")  # type: ignore[return-value]


def _people(found: Respondents, lang: str) -> pd.DataFrame:
    """Each respondent with ``who`` (role, and name when allowed, as the report names
    them) and ``shown`` (False when their role is hidden)."""
    hidden = {_key(r) for r in found.hidden_roles}
    people = found.people.copy()
    people["who"] = [text("respondents.who_named", lang, role=p["role"], name=p["name"]) if p["name"] else p["label"]
                     for _, p in people.iterrows()]
    people["shown"] = [_key(role) not in hidden for role in people["role"]]
    return people


@_once
def people_rows(results: ReportResults) -> pd.DataFrame:
    """Who answered: ``who``, ``role``, ``department`` (when allowed), ``coverage``
    (share of the questions answered), and their own overall score and level on their
    answers alone (NaN and empty for a respondent whose role is hidden)."""
    found = team(results)
    assert found is not None
    a = results.assessment
    levels = {lv.id: lv.name.get(a.lang) for lv in a.model.levels}
    people = _who(results)
    return pd.DataFrame({
        "who": people["who"],
        "role": people["role"],
        "department": people["department"].fillna(""),
        "coverage": people["coverage"],
        "own_score": people["overall"].where(people["shown"]),
        "own_level": [levels[lv] if shown else "" for lv, shown in zip(people["level"], people["shown"], strict=True)],
    }).reset_index(drop=True)


@_once
def spread_rows(results: ReportResults) -> pd.DataFrame:
    """Per dimension: the consensus score, the lowest and highest of the respondents'
    own scores, their SD and Krippendorff's alpha (NaN where undefined)."""
    found = team(results)
    assert found is not None
    a = results.assessment
    dims = found.dimensions
    return pd.DataFrame({
        "dimension": [a.model.dimensions_by_id[d].name.get(a.lang) for d in dims.index],
        "consensus": dims["consensus"],
        "lowest": dims["min"],
        "highest": dims["max"],
        "sd": dims["sd"],
        "agreement": dims["alpha"],
    }).reset_index(drop=True)


@_once
def score_matrix(results: ReportResults) -> pd.DataFrame:
    """The shown respondents' own scores: dimension ids x respondents as the report
    names them."""
    found = team(results)
    assert found is not None
    people = _who(results)
    shown = people[people["shown"]]
    matrix = found.dimension_scores[shown.index]
    matrix.columns = shown["who"].tolist()
    return matrix


def _hidden_roles_note(found: Respondents, lang: str) -> str | None:
    if not found.hidden_roles:
        return None
    return text("respondents.hidden_note", lang, roles=join_list(found.hidden_roles, lang))


@_once
def contested_rows(results: ReportResults) -> list[dict[str, Any]]:
    """The :data:`CONTESTED` most contested questions, widest range first: the question, its
    dimension, the range of the respondents' points, and each shown respondent's
    answer and evidence (``hidden``: how many more answers are not shown one by one)."""
    found = team(results)
    assert found is not None
    a = results.assessment
    lang = a.lang
    people = _who(results)
    given = _answers(results)
    out = []
    for rank, (qid, row) in enumerate(found.contested(CONTESTED).iterrows(), start=1):
        question = a.model.question(qid)
        answers, hidden = [], 0
        for rid, who, shown in zip(people.index, people["who"], people["shown"], strict=True):
            mine = given[(qid, rid)]
            if not shown:
                hidden += mine["value"] is not None
                continue
            answers.append({"respondent": rid, "who": who, "answer": answer_text(question, mine["value"], lang),
                            "fraction": mine["fraction"], "evidence": mine["evidence"] or ""})
        out.append({
            "rank": rank, "question_id": qid, "question": question.text.get(lang),
            "dimension": a.model.dimensions_by_id[question.dimension].name.get(lang),
            "low": float(row["min"]), "high": float(row["max"]),
            "range": text("respondents.contested_range", lang, low=fmt_percent(row["min"]),
                          high=fmt_percent(row["max"])),
            "answers": answers,
            "hidden": text("respondents.contested_hidden", lang, n=hidden) if hidden else "",
        })
    return out


def _role_answers(results: ReportResults, qid: str, role: str) -> list[dict[str, Any]]:
    """The answers of a role's members to one question, each with ``who``."""
    people = _who(results)
    given = _answers(results)
    return [{**given[(qid, rid)], "who": who} for rid, who, held in zip(people.index, people["who"], people["role"],
                                                                        strict=True) if _key(held) == _key(role)]


@_once
def role_gap_sentences(results: ReportResults) -> list[dict[str, Any]]:
    """The widest gaps between the shown roles, written for the read-out workshop.

    For each of the :data:`ROLE_GAPS` dimensions where the highest and the lowest role lie
    furthest apart (at least :data:`MIN_ROLE_GAP` of the scale): a sentence with both
    roles' scores, then a question of that dimension that shows the difference (see
    :func:`_telling_question`) with each one's answer in the model's words, and each
    member's evidence on it.
    """
    found = team(results)
    assert found is not None
    a = results.assessment
    lang = a.lang
    scale = a.model.score_scale
    people = _who(results)
    gaps = found.role_gaps.dropna(subset=["gap"])
    gaps = gaps[gaps["gap"] >= MIN_ROLE_GAP * scale.span].sort_values("gap", ascending=False, kind="stable")
    out = []
    for dim, gap in gaps.head(ROLE_GAPS).iterrows():
        high, low = gap["highest"], gap["lowest"]
        sentence = text("respondents.gap", lang, dimension=a.model.dimensions_by_id[dim].name.get(lang), high=high,
                        low=low, high_score=fmt_score(found.role_scores.at[dim, high], scale),
                        low_score=fmt_score(found.role_scores.at[dim, low], scale))
        evidence: list[str] = []
        qid = _telling_question(found, people, dim, high, low)
        if qid is not None:
            high_rows, low_rows = _role_answers(results, qid, high), _role_answers(results, qid, low)
            question = a.model.question(qid)
            example = text("respondents.gap_question", lang, question=question.text.get(lang).rstrip("。."),
                           high=high, low=low, high_answer=_answer_words(question, high_rows, lang),
                           low_answer=_answer_words(question, low_rows, lang))
            sentence = text("common.sentence_separator", lang).join([sentence, example])
            evidence = [text("respondents.gap_evidence", lang, who=r["who"], evidence=r["evidence"])
                        for r in [*high_rows, *low_rows] if r["evidence"]]
        out.append({"dimension": dim, "text": sentence, "evidence": evidence})
    return out


def _telling_question(found: Respondents, people: pd.DataFrame, dim: str, high: str, low: str) -> str | None:
    """The question of ``dim`` that shows the gap between roles ``high`` and ``low``
    best: of those where ``high`` answers at least half as far above ``low`` (mean points
    of the members who know) as on the widest, the one with evidence from both roles,
    else from one, else the widest; between equals, the model's order. None when
    ``high`` is above on none."""
    fractions = found.fractions.to_numpy()  # questions x respondents, model order
    noted = found.answers["evidence"].notna().to_numpy().reshape(fractions.shape)
    roles = people["role"].map(_key).to_numpy()
    in_dim = (found.questions["dimension"] == dim).to_numpy()

    def of(role: str) -> tuple[np.ndarray, np.ndarray]:
        members = roles == _key(role)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # no member knows: NaN, left out
            return np.nanmean(fractions[:, members], axis=1), noted[:, members].any(axis=1)

    (high_mean, high_noted), (low_mean, low_noted) = of(high), of(low)
    difference = np.where(in_dim, high_mean - low_mean, np.nan)
    above = difference > 1e-9
    if not above.any():
        return None
    strong = above & (difference >= np.nanmax(np.where(above, difference, np.nan)) / 2 - 1e-9)
    candidates = [(int(high_noted[k]) + int(low_noted[k]), round(float(difference[k]), 9), -k)
                  for k in np.flatnonzero(strong)]
    return str(found.fractions.index[-max(candidates)[2]])


def _answer_words(question: Any, rows: list[dict[str, Any]], lang: str) -> str:
    """What a role's members answered, each distinct known answer once."""
    words = dict.fromkeys(answer_text(question, r["value"], lang) for r in rows if not pd.isna(r["fraction"]))
    return " / ".join(words)


@_once
def robustness_sentence(results: ReportResults) -> str | None:
    """How firm the level is, in one sentence for the verdict: the share of resamples of
    the respondents that land on the level, the overall's interval, and who alone
    would move it; None for a single respondent."""
    found = team(results)
    if found is None:
        return None
    a = results.assessment
    lang = a.lang
    scale = a.model.score_scale
    rob = found.robustness
    levels = {lv.id: lv.name.get(lang) for lv in a.model.levels}
    people = _who(results)
    movers = people.loc[rob.movers]
    named = movers[movers["shown"]]["who"].tolist()
    hidden = int((~movers["shown"]).sum())
    whos = named + ([text("respondents.movers_hidden", lang, n=hidden)] if hidden else [])
    if not whos:
        moved = text("respondents.movers_none", lang)
    elif len(rob.movers) == 1:
        moved = text("respondents.movers_one", lang, who=whos[0],
                     to=levels[rob.leave_one_out.at[rob.movers[0], "level"]])
    else:
        moved = text("respondents.movers_many", lang, who=join_list(whos, lang))
    return text("respondents.robustness", lang, share=f"{rob.level_share:.0%}", level=levels[rob.level],
                resamples=f"{rob.resamples:,}",
                confidence=f"{rob.confidence:.0%}", low=fmt_score(rob.interval[0], scale),
                high=fmt_score(rob.interval[1], scale), movers=moved)


def respondent_figures(results: ReportResults) -> dict[str, Figure]:
    """The section's chart, ``respondents`` (the heat map of the shown respondents'
    own scores beside the consensus); none for a single respondent or when no
    respondent can be shown one by one."""
    found = team(results)
    if found is None:
        return {}
    matrix = score_matrix(results)
    if matrix.empty:
        return {}
    a = results.assessment
    names = {d.id: d.name.get(a.lang) for d in a.model.dimensions}
    return {"respondents": charts.respondent_heatmap(matrix, found.dimensions["consensus"], names=names, lang=a.lang,
                                                     scale=a.model.score_scale)}


def respondents_context(results: ReportResults, uris: dict[str, str]) -> dict[str, Any] | None:
    """What ``report_respondents.html.j2`` shows; None for a single respondent."""
    found = team(results)
    if found is None:
        return None
    lang = results.lang
    people = people_rows(results)
    notes = [n for n in (text("respondents.anonymous_note", lang) if found.people["anonymous"].any() else None,
                         _hidden_roles_note(found, lang)) if n]
    return {
        "intro": text("respondents.intro", lang, n=found.count, rule=text(f"respondents.rule.{found.consensus.rule}",
                                                                           lang)),
        "people": people.to_dict(orient="records"),
        "has_department": bool((people["department"] != "").any()),
        "notes": notes,
        "hidden_note": _hidden_roles_note(found, lang),
        "spread": spread_rows(results).to_dict(orient="records"),
        "agreement_note": text("respondents.agreement_note", lang, alpha=_alpha(found.agreement)),
        "heatmap": uris.get("respondents"),
        "contested": contested_rows(results),
        "gaps": role_gap_sentences(results),
        "robustness": robustness_sentence(results),
    }


def _alpha(value: float) -> str:
    return fmt_number(value, 2)


# --------------------------------------------------------------------------- workbook


def write_respondent_sheets(s: SheetBook, results: ReportResults) -> None:
    """The workbook's sheets on the respondents (none for a single one): who answered
    with the verdict on how firm the level is and the role gaps; the consensus, spread
    and agreement per dimension with each shown respondent's own score; the most
    contested questions with each shown answer and its evidence."""
    from .excel import _score_format, write_table  # the workbook's own helpers (it imports this module)

    found = team(results)
    if found is None:
        return
    lang = results.lang
    R = labels(lang)["respondents"]
    headers = R["columns"]
    score = _score_format(results)
    people = people_rows(results)
    sheet = write_table(s, R["sheets"]["respondents"], people, lang, headers=headers, widths=PEOPLE_WIDTHS,
                        formats={"coverage": "0%", "own_score": score})
    row = len(people) + 3
    lines = [(R["excel"]["robustness"], robustness_sentence(results)),
             (R["excel"]["agreement"], _alpha(found.agreement)),
             *[(R["excel"]["role_gaps"], " ".join([g["text"], *g["evidence"]])) for g in role_gap_sentences(results)]]
    note = _hidden_roles_note(found, lang)
    if note:
        lines.append((R["excel"]["notes"], note))
    # Each line's text spans the table's other columns, its row as tall as the wrapped
    # text, and the print area runs down to the last line.
    last = len(people.columns) - 1
    span = sum(PEOPLE_WIDTHS.get(key, 14) for key in list(people.columns)[1:])
    for label, value in lines:
        sheet.write_string(row, 0, label, s.bold)
        sheet.merge_range(row, 1, row, last, str(value), s.wrap)
        sheet.set_row(row, row_height([str(value)], [span], lang))
        row += 1
    sheet.print_area(0, 0, row - 1, last)

    spread = spread_rows(results).copy()
    matrix = score_matrix(results)
    for who in matrix.columns:
        spread[who] = matrix[who].to_numpy()
    write_table(s, R["sheets"]["disagreement"], spread, lang, headers=headers,
           widths={"dimension": 26, **dict.fromkeys(matrix.columns, 16)},
           formats={**dict.fromkeys(["consensus", "lowest", "highest", "sd", *matrix.columns], score),
                    "agreement": "0.00"})

    contested = [{"rank": c["rank"], "question_id": c["question_id"], "question": c["question"],
                  "dimension": c["dimension"], "lowest": c["low"], "highest": c["high"], "who": answer["who"],
                  "answer": answer["answer"], "evidence": answer["evidence"]}
                 for c in contested_rows(results) for answer in c["answers"]]
    frame = pd.DataFrame(contested, columns=["rank", "question_id", "question", "dimension", "lowest", "highest",
                                             "who", "answer", "evidence"])
    write_table(s, R["sheets"]["contested"], frame.replace({np.nan: None}), lang, headers=headers,
           widths={"rank": 8, "question_id": 18, "question": 50, "dimension": 20, "who": 26, "answer": 36,
                   "evidence": 50},
           formats={"lowest": "0%", "highest": "0%"})
