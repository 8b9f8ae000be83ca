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

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..i18n import join_list, labels, text
from ..plotting import charts
from .formatting import fmt_number, fmt_percent, fmt_score
from .tables import answer_text

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..respondents import Respondents
    from .excel import _Sheets
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


def team(results: ReportResults) -> Respondents | None:
    """The respondents of a report when there are several; None for a single one."""
    found = results.assessment.respondents
    return found if found is not None and found.count >= 2 else None


def _key(role: str) -> str:
    return role.strip().casefold()


def _people(found: Respondents, lang: str) -> pd.DataFrame:
    """Each respondent with ``who`` (role, and name when allowed, as the report names
    them) and ``shown`` (False when their role is hidden)."""
    hidden = {_key(r) for r in found.hidden_roles}
    people = found.people.copy()
    people["who"] = [text("respondents.who_named", lang, role=p["role"], name=p["name"]) if p["name"] else p["label"]
                     for _, p in people.iterrows()]
    people["shown"] = [_key(role) not in hidden for role in people["role"]]
    return people


def people_rows(results: ReportResults) -> pd.DataFrame:
    """Who answered: ``who``, ``role``, ``department`` (when allowed), ``coverage``
    (share of the questions answered), and their own overall score and level on their
    answers alone (NaN and empty for a respondent whose role is hidden)."""
    found = team(results)
    assert found is not None
    a = results.assessment
    levels = {lv.id: lv.name.get(a.lang) for lv in a.model.levels}
    people = _people(found, a.lang)
    return pd.DataFrame({
        "who": people["who"],
        "role": people["role"],
        "department": people["department"].fillna(""),
        "coverage": people["coverage"],
        "own_score": people["overall"].where(people["shown"]),
        "own_level": [levels[lv] if shown else "" for lv, shown in zip(people["level"], people["shown"], strict=True)],
    }).reset_index(drop=True)


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


def score_matrix(results: ReportResults) -> pd.DataFrame:
    """The shown respondents' own scores: dimension ids x respondents as the report
    names them."""
    found = team(results)
    assert found is not None
    people = _people(found, results.lang)
    shown = people[people["shown"]]
    matrix = found.dimension_scores[shown.index]
    matrix.columns = shown["who"].tolist()
    return matrix


def _hidden_roles_note(found: Respondents, lang: str) -> str | None:
    if not found.hidden_roles:
        return None
    return text("respondents.hidden_note", lang, roles=join_list(found.hidden_roles, lang))


def contested_rows(results: ReportResults, n: int = CONTESTED) -> list[dict[str, Any]]:
    """The ``n`` most contested questions, widest range first: the question, its
    dimension, the range of the respondents' points, and each shown respondent's
    answer and evidence (``hidden``: how many more answers are not shown one by one)."""
    found = team(results)
    assert found is not None
    a = results.assessment
    lang = a.lang
    people = _people(found, lang)
    out = []
    for rank, (qid, row) in enumerate(found.contested(n).iterrows(), start=1):
        question = a.model.question(qid)
        answers, hidden = [], 0
        for rid, person in people.iterrows():
            given = found.answers.loc[(qid, rid)]
            if not person["shown"]:
                hidden += given["value"] is not None
                continue
            evidence = given["evidence"]
            answers.append({"respondent": rid, "who": person["who"], "role": person["role"],
                            "answer": answer_text(question, given["value"], lang),
                            "fraction": given["fraction"],
                            "evidence": evidence if isinstance(evidence, str) else ""})
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


def _role_answers(found: Respondents, people: pd.DataFrame, qid: str, role: str) -> pd.DataFrame:
    """The answers of a role's members to one question (their rows of ``found.answers``
    with ``who``)."""
    members = people[[_key(r) == _key(role) for r in people["role"]]]
    rows = found.answers.loc[qid].loc[members.index].copy()
    rows["who"] = members["who"]
    return rows


def role_gap_sentences(results: ReportResults, limit: int = ROLE_GAPS) -> list[dict[str, Any]]:
    """The widest gaps between the shown roles, written for the read-out workshop.

    For each of the ``limit`` dimensions where the highest and the lowest role lie
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
    people = _people(found, lang)
    gaps = found.role_gaps.dropna(subset=["gap"])
    gaps = gaps[gaps["gap"] >= MIN_ROLE_GAP * scale.span].sort_values("gap", ascending=False, kind="stable")
    out = []
    for dim, gap in gaps.head(limit).iterrows():
        high, low = gap["highest"], gap["lowest"]
        sentence = text("respondents.gap", lang, dimension=a.model.dimensions_by_id[dim].name.get(lang), high=high,
                        low=low, high_score=fmt_score(found.role_scores.at[dim, high], scale),
                        low_score=fmt_score(found.role_scores.at[dim, low], scale))
        evidence: list[str] = []
        best = _telling_question(found, people, dim, high, low)
        if best is not None:
            qid, high_rows, low_rows = best
            question = a.model.question(qid)
            example = text("respondents.gap_question", lang, question=question.text.get(lang).rstrip("。."),
                           high=high, low=low, high_answer=_answer_words(question, high_rows, lang),
                           low_answer=_answer_words(question, low_rows, lang))
            sentence = text("common.sentence_separator", lang).join([sentence, example])
            evidence = [text("respondents.gap_evidence", lang, who=r["who"], evidence=r["evidence"])
                        for rows in (high_rows, low_rows) for _, r in rows.iterrows() if isinstance(r["evidence"], str)]
        out.append({"dimension": dim, "text": sentence, "evidence": evidence})
    return out


def _telling_question(found: Respondents, people: pd.DataFrame, dim: str, high: str,
                      low: str) -> tuple[str, pd.DataFrame, pd.DataFrame] | None:
    """The question of ``dim`` that shows the gap between roles ``high`` and ``low``
    best: of those where ``high`` answers at least half as far above ``low`` (mean points
    of the members who know) as on the widest, the one with evidence from both roles,
    else from one, else the widest; between equals, the model's order. None when
    ``high`` is above on none."""
    candidates = []
    for order, qid in enumerate(found.questions.index[found.questions["dimension"] == dim]):
        high_rows = _role_answers(found, people, qid, high)
        low_rows = _role_answers(found, people, qid, low)
        difference = high_rows["fraction"].mean() - low_rows["fraction"].mean()
        if difference > 1e-9:  # not NaN (a role does not know) and above
            noted = int(high_rows["evidence"].notna().any()) + int(low_rows["evidence"].notna().any())
            candidates.append((noted, round(difference, 9), -order, qid, high_rows, low_rows))
    if not candidates:
        return None
    widest = max(c[1] for c in candidates)
    best = max((c for c in candidates if c[1] >= widest / 2 - 1e-9), key=lambda c: c[:3])
    return best[3:]


def _answer_words(question: Any, rows: pd.DataFrame, lang: str) -> str:
    """What a role's members answered, each distinct answer once."""
    words = dict.fromkeys(answer_text(question, v, lang) for v, f in zip(rows["value"], rows["fraction"], strict=True)
                          if not pd.isna(f))
    return " / ".join(words)


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
    people = _people(found, lang)
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


def write_respondent_sheets(s: _Sheets, results: ReportResults) -> None:
    """The workbook's sheets on the respondents (none for a single one): who answered
    with the verdict on how firm the level is and the role gaps; the consensus, spread
    and agreement per dimension with each shown respondent's own score; the most
    contested questions with each shown answer and its evidence."""
    from .excel import _score_format, _table  # the workbook's own helpers (it imports this module)

    found = team(results)
    if found is None:
        return
    lang = results.lang
    R = labels(lang)["respondents"]
    headers = R["columns"]
    score = _score_format(results)
    people = people_rows(results)
    sheet = _table(s, R["sheets"]["respondents"], people, lang, headers=headers,
                   widths={"who": 30, "role": 18, "department": 22, "coverage": 14, "own_score": 16, "own_level": 14},
                   formats={"coverage": "0%", "own_score": score})
    row = len(people) + 3
    lines = [(R["excel"]["robustness"], robustness_sentence(results)),
             (R["excel"]["agreement"], _alpha(found.agreement)),
             *[(R["excel"]["role_gaps"], " ".join([g["text"], *g["evidence"]])) for g in role_gap_sentences(results)]]
    note = _hidden_roles_note(found, lang)
    if note:
        lines.append((R["excel"]["notes"], note))
    for label, value in lines:
        sheet.write_string(row, 0, label, s.bold)
        sheet.write_string(row, 1, str(value), s.wrap)
        row += 1

    spread = spread_rows(results)
    matrix = score_matrix(results)
    for who in matrix.columns:
        spread[who] = matrix[who].to_numpy()
    _table(s, R["sheets"]["disagreement"], spread, lang, headers=headers,
           widths={"dimension": 26, **dict.fromkeys(matrix.columns, 16)},
           formats={**dict.fromkeys(["consensus", "lowest", "highest", "sd", *matrix.columns], score),
                    "agreement": "0.00"})

    contested = [{"rank": c["rank"], "question_id": c["question_id"], "question": c["question"],
                  "dimension": c["dimension"], "lowest": c["low"], "highest": c["high"], "who": answer["who"],
                  "answer": answer["answer"], "evidence": answer["evidence"]}
                 for c in contested_rows(results) for answer in c["answers"]]
    frame = pd.DataFrame(contested, columns=["rank", "question_id", "question", "dimension", "lowest", "highest",
                                             "who", "answer", "evidence"])
    _table(s, R["sheets"]["contested"], frame.replace({np.nan: None}), lang, headers=headers,
           widths={"rank": 8, "question_id": 18, "question": 50, "dimension": 20, "who": 26, "answer": 36,
                   "evidence": 50},
           formats={"lowest": "0%", "highest": "0%"})
