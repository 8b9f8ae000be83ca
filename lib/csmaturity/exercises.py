"""Exercises for trainees, checked with the metrics library.

Each exercise states a small case; :func:`check` computes the expected answer with
the same function a report uses and says whether the trainee's answer is right, and
why (the formula with the case's numbers), in Japanese and English::

    from csmaturity.exercises import check, exercise
    print(exercise("nps").prompt["en"])
    check("nps", "30").message("en")     # 'Correct: NPS = 50% − 20% = +30.0.'

Numeric answers may be typed as ``8``, ``8%``, ``８``, ``1,000`` or ``525 %``; a
percentage typed as a fraction (``0.08`` for 8 %) gets a hint rather than a silent
fail. Tolerances are stated per exercise (half of the last digit asked for).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import KW_ONLY, dataclass
from typing import Any, Callable

import numpy as np
import pandas as pd

from . import metrics as M
from .errors import check_argument

__all__ = ["Exercise", "Feedback", "EXERCISES", "exercise", "check", "cohort_table"]


def cohort_table(customers: int, lost: int, *, upsold: int = 0, cross_sold: int = 0, arr_each: float = 1.0,
                 upsell_each: float = 0.0, cross_each: float = 0.0, contraction: float = 0.0) -> pd.DataFrame:
    """A snapshot accounts table with these totals, for :func:`csmaturity.metrics.retention`.

    The first ``lost`` customers churn; upsells, cross-sells and the downgrade go to
    retained customers (the last rows), each customer starting with ``arr_each``.
    """
    check_argument(0 <= lost <= customers and max(upsold, cross_sold) <= customers - lost, "lost, upsold, cross_sold",
                   "lost must be within the customers, and upsold / cross-sold within those retained")
    rows = np.arange(customers)
    retained_rank = customers - 1 - rows  # 0 for the last row
    table = pd.DataFrame({
        "churned": rows < lost,
        "arr": np.full(customers, float(arr_each)),
        "upsell_arr": np.where(retained_rank < upsold, float(upsell_each), 0.0),
        "cross_sell_arr": np.where(retained_rank < cross_sold, float(cross_each), 0.0),
        "contraction_arr": np.where((retained_rank == 0) & (lost < customers), float(contraction), 0.0),
    })
    table.attrs["source"] = "<lesson>"
    return table


@dataclass(frozen=True, kw_only=True)
class Feedback:
    """The verdict on one answer."""

    correct: bool
    message_ja: str
    message_en: str
    expected: Any

    def message(self, lang: str = "ja") -> str:
        return self.message_ja if lang == "ja" else self.message_en


@dataclass(frozen=True)
class Exercise:
    """A question with its expected answer computed by the library.

    ``solve`` returns ``(expected, working_ja, working_en)``: the answer and the
    formula with the case's numbers. ``unit`` is ``%``, ``pt`` (score points),
    ``yen``, ``months``, ``choice`` (one of ``choices``) or ``items`` (several
    of ``choices``); ``tolerance`` is absolute, in the answer's unit.
    """

    id: str
    topic: str
    prompt: dict[str, str]
    unit: str
    solve: Callable[[], tuple[Any, str, str]]
    _: KW_ONLY
    tolerance: float = 0.0
    choices: tuple[str, ...] = ()


def _churn() -> tuple[float, str, str]:
    r = M.retention(cohort_table(200, 14))
    v = r.churn_rate * 100
    return v, f"解約率 = 解約数 ÷ 期初顧客数 = {r.customers_lost} ÷ {r.customers_at_start} = {v:.1f}%", \
        f"churn = lost ÷ customers at start = {r.customers_lost} ÷ {r.customers_at_start} = {v:.1f}%"


def _nrr() -> tuple[float, str, str]:
    r = M.retention(cohort_table(100, 10, upsold=20, upsell_each=30, arr_each=100, contraction=200))
    v = r.nrr * 100
    work = (f"({r.starting_arr:,.0f} − {r.churned_arr:,.0f} − {r.contraction_arr:,.0f} + {r.expansion_arr:,.0f})"
            f" ÷ {r.starting_arr:,.0f} = {v:.1f}%")
    return v, f"NRR = (期初ARR − 解約 − 縮小 + 拡大) ÷ 期初ARR = {work}", \
        f"NRR = (start − churned − downgrades + expansion) ÷ start = {work}"


def _upsell() -> tuple[float, str, str]:
    r = M.retention(cohort_table(250, 20, upsold=30, upsell_each=10))
    v = r.upsell_rate * 100
    return v, f"アップセル率 = アップセルした顧客 ÷ 期初顧客数 = {r.upsell_customers} ÷ {r.customers_at_start} = {v:.1f}%", \
        f"upsell rate = customers upsold ÷ customers at start = {r.upsell_customers} ÷ {r.customers_at_start} = {v:.1f}%"


def _nps() -> tuple[float, str, str]:
    r = M.nps([10] * 45 + [9] * 10 + [8] * 25 + [5] * 20)
    work = f"{r.share_promoters:.0%} − {r.share_detractors:.0%} = {r.score:+.1f}"
    return r.score, f"NPS = 推奨者の割合 − 批判者の割合 = {work}", f"NPS = % promoters − % detractors = {work}"


def _nps_margin() -> tuple[float, str, str]:
    r = M.nps([10] * 45 + [9] * 10 + [8] * 25 + [5] * 20)
    work = f"1.96 × 100 × √(({r.share_promoters:.2f} + {r.share_detractors:.2f} − {r.score / 100:.2f}²) ÷ {r.n_valid}) = {r.margin_of_error:.1f}"
    return r.margin_of_error, f"誤差幅 = {work}", f"margin of error = {work}"


def _csat() -> tuple[float, str, str]:
    r = M.csat([5] * 36 + [4] * 42 + [3] * 30 + [2] * 8 + [1] * 4)
    work = f"{r.n_top} ÷ {r.n_valid} = {r.share:.1%}"
    return r.share * 100, f"CSAT = 4・5と答えた人 ÷ 回答数 = {work}", f"CSAT = answers of 4 or 5 ÷ answers = {work}"


def _nrs() -> tuple[float, str, str]:
    r = M.nrs([5] * 30 + [4] * 50 + [3] * 12 + [2] * 5 + [1] * 3)
    work = f"{r.share_repeaters:.0%} − {r.share_at_risk:.0%} = {r.score:+.1f}"
    return r.score, f"NRS = 継続(5)の割合 − 離反リスク(1〜3)の割合 = {work}", f"NRS = % repeaters (5) − % at risk (1–3) = {work}"


def _dwb() -> tuple[float, str, str]:
    r = M.dwb([5] * 18 + [4] * 22 + [3] * 12 + [2] * 5 + [1] * 3)
    work = f"{r.n_top} ÷ {r.n_valid} = {r.share:.1%}"
    return r.share * 100, f"DWB = 「絶対に買う」(5) ÷ 回答数 = {work}", f"DWB = “definitely would buy” (5) ÷ answers = {work}"


def _ces() -> tuple[str, str, str]:
    a = M.ces([1] * 10 + [2] * 20 + [3] * 20 + [4] * 20 + [5] * 10 + [6] * 10 + [7] * 10)
    b = M.ces([1] * 25 + [2] * 25 + [3] * 20 + [4] * 10 + [5] * 10 + [6] * 5 + [7] * 5)
    better = "B" if b.mean < a.mean else "A"
    return better, f"CESは負担の小ささを見る指標で、平均が低いほど良い: A {a.mean:.2f}、B {b.mean:.2f} → {better}", \
        f"CES measures effort: a lower mean is better: A {a.mean:.2f}, B {b.mean:.2f} → {better}"


def _ltv_margin() -> tuple[float, str, str]:
    v = M.ltv_margin_retention(600_000, 0.7, annual_churn=0.2)
    return v, f"LTV = 年間売上 × 利益率 × 継続年数(1 ÷ 解約率) = 600,000 × 0.7 × (1 ÷ 0.2) = {v:,.0f}円", \
        f"LTV = annual revenue × margin × years retained (1 ÷ churn) = 600,000 × 0.7 × (1 ÷ 0.2) = {v:,.0f} yen"


def _ltv_purchases() -> tuple[float, str, str]:
    v = M.ltv_purchases(8_000, 15)
    return v, f"LTV = 平均購入単価 × 平均購入回数 = 8,000 × 15 = {v:,.0f}円", \
        f"LTV = average purchase value × average purchases = 8,000 × 15 = {v:,.0f} yen"


def _ltv_gross() -> tuple[float, str, str]:
    v = M.ltv_gross_profit(50_000_000, 30_000_000, 400)
    return v, f"LTV = (売上高 − 売上原価) ÷ 購入者数 = (50,000,000 − 30,000,000) ÷ 400 = {v:,.0f}円", \
        f"LTV = (revenue − cost of sales) ÷ purchasers = (50,000,000 − 30,000,000) ÷ 400 = {v:,.0f} yen"


def _roi() -> tuple[float, str, str]:
    r = M.crm_roi(75_000, 12_000)
    work = f"(75,000 − 12,000) ÷ 12,000 × 100 = {r.roi_pct:.0f}%"
    return r.roi_pct, f"ROI = (利益 − コスト) ÷ コスト × 100 = {work}", f"ROI = (gain − cost) ÷ cost × 100 = {work}"


def _break_even() -> tuple[float, str, str]:
    r = M.crm_roi(1_000, 1_000)
    return r.roi_pct, (f"損益分岐点は利益＝コストのとき: (1,000 − 1,000) ÷ 1,000 × 100 = {r.roi_pct:.0f}%。"
                       "元記事の「ROI 100%」は、この式では利益がコストの2倍のときです。"), \
        (f"Break-even is gain = cost: (1,000 − 1,000) ÷ 1,000 × 100 = {r.roi_pct:.0f}%. "
         "The article's “ROI 100%” is, with this formula, a gain of twice the cost.")


def _payback() -> tuple[float, str, str]:
    r = M.crm_roi(1_800_000, 1_200_000, months=12)
    assert r.payback_months is not None
    work = f"1,200,000 ÷ (1,800,000 ÷ 12) = {r.payback_months:.1f}"
    return r.payback_months, f"回収期間 = コスト ÷ 月あたりの利益 = {work}か月", f"payback = cost ÷ monthly gain = {work} months"


def _health_band() -> tuple[str, str, str]:
    cfg = M.load_health_config()
    return "red", f"{cfg.red_below:g}点未満は赤（{cfg.green_from:g}点以上が緑）。35点は赤で、ARRは「リスクのあるARR」に数えます。", \
        f"Below {cfg.red_below:g} is red ({cfg.green_from:g} and above is green): 35 is red, and its ARR counts as ARR at risk."


EXERCISES: dict[str, Exercise] = {e.id: e for e in [
    Exercise("churn", "retention", {
        "ja": "期初に200社の顧客がいて、期中に14社が解約しました。解約率は何%ですか。",
        "en": "200 customers at the start of the year; 14 left during it. What is the churn rate in %?"},
        "%", _churn, tolerance=0.05),
    Exercise("upsell", "retention", {
        "ja": "期初に250社、そのうち30社がより上位のプランに移りました（20社は解約）。アップセル率は何%ですか。",
        "en": "250 customers at the start; 30 moved to a higher plan (20 others left). What is the upsell rate in %?"},
        "%", _upsell, tolerance=0.05),
    Exercise("nrr", "retention", {
        "ja": "ARR 100の顧客が100社。10社が解約、1社が200のダウングレード、20社がそれぞれ30のアップセル。NRRは何%ですか。",
        "en": "100 customers with ARR 100 each. 10 leave, one downgrades by 200 and 20 each add 30 by upsell. "
              "What is the NRR in %?"},
        "%", _nrr, tolerance=0.05),
    Exercise("nps", "loyalty", {
        "ja": "100人が回答: 10点が45人、9点が10人、8点が25人、5点が20人。NPSはいくつですか。",
        "en": "100 answers: 45 gave 10, 10 gave 9, 25 gave 8 and 20 gave 5. What is the NPS?"},
        "pt", _nps, tolerance=0.5),
    Exercise("nps_margin", "loyalty", {
        "ja": "前問のNPSの95%誤差幅（±いくつ）を小数第1位まで答えてください。",
        "en": "What is the 95% margin of error (±) of the previous NPS, to one decimal?"},
        "pt", _nps_margin, tolerance=0.05),
    Exercise("csat", "loyalty", {
        "ja": "5段階の満足度に120人が回答: 5が36人、4が42人、3が30人、2が8人、1が4人。CSAT（上位2つの割合）は何%ですか。",
        "en": "120 answers on a 5-point satisfaction scale: 36 fives, 42 fours, 30 threes, 8 twos, 4 ones. "
              "What is the CSAT (top-2 box) in %?"},
        "%", _csat, tolerance=0.05),
    Exercise("nrs", "loyalty", {
        "ja": "「1年後も使っていますか」（5段階）に100人が回答: 5が30人、4が50人、3が12人、2が5人、1が3人。NRSはいくつですか。",
        "en": "100 answers to “will you still use it in a year?” (5 points): 30 fives, 50 fours, 12 threes, 5 twos, "
              "3 ones. What is the NRS?"},
        "pt", _nrs, tolerance=0.5),
    Exercise("dwb", "loyalty", {
        "ja": "購入意向（5段階）に60人が回答し、「絶対に買う」(5)は18人でした。DWBは何%ですか。",
        "en": "60 answers on a 5-point purchase intent scale; 18 said “definitely would buy” (5). What is the DWB in %?"},
        "%", _dwb, tolerance=0.05),
    Exercise("ces", "loyalty", {
        "ja": "CES（1＝負担が小さい〜7＝大きい）の平均はAチームが3.70、Bチームが2.90でした。顧客の負担が小さいのはAとBのどちらですか。",
        "en": "Mean CES (1 = little effort … 7 = a great deal) is 3.70 for team A and 2.90 for team B. "
              "Which team's customers make less effort, A or B?"},
        "choice", _ces, choices=("A", "B")),
    Exercise("ltv_margin", "ltv", {
        "ja": "1社あたり年間売上60万円、利益率70%、年間解約率20%。LTV（年間売上×利益率×継続年数）は何円ですか。",
        "en": "Annual revenue per customer 600,000 yen, margin 70%, annual churn 20%. "
              "What is the LTV (revenue × margin × years retained) in yen?"},
        "yen", _ltv_margin, tolerance=0.5),
    Exercise("ltv_purchases", "ltv", {
        "ja": "平均購入単価8,000円、1人あたり平均15回購入します。LTVは何円ですか。",
        "en": "Average purchase 8,000 yen, 15 purchases per customer on average. What is the LTV in yen?"},
        "yen", _ltv_purchases, tolerance=0.5),
    Exercise("ltv_gross", "ltv", {
        "ja": "売上高5,000万円、売上原価3,000万円、購入者400人。LTV（(売上高−売上原価)÷購入者数）は何円ですか。",
        "en": "Revenue 50,000,000 yen, cost of sales 30,000,000 yen, 400 purchasers. "
              "What is the LTV ((revenue − cost) ÷ purchasers) in yen?"},
        "yen", _ltv_gross, tolerance=0.5),
    Exercise("roi", "crm", {
        "ja": "CRMのコスト12,000ドルで、粗利が75,000ドル増えました。ROIは何%ですか。",
        "en": "A CRM cost $12,000 and raised gross margin by $75,000. What is the ROI in %?"},
        "%", _roi, tolerance=0.5),
    Exercise("break_even", "crm", {
        "ja": "損益分岐点（得た利益がコストとちょうど同じ）のROIは何%ですか。",
        "en": "What is the ROI in % at break-even (the gain exactly equals the cost)?"},
        "%", _break_even, tolerance=0.5),
    Exercise("payback", "crm", {
        "ja": "コスト120万円、効果は12か月で180万円（毎月同じ）です。投資は何か月で回収できますか。",
        "en": "Cost 1,200,000 yen; the gain is 1,800,000 yen over 12 months, evenly. "
              "After how many months is the cost paid back?"},
        "months", _payback, tolerance=0.05),
    Exercise("health_band", "health", {
        "ja": "標準設定のヘルススコアで35点の顧客は、赤・黄・緑のどれですか（red / yellow / green）。",
        "en": "With the default health-score settings, which band is an account scoring 35: red, yellow or green?"},
        "choice", _health_band, choices=("red", "yellow", "green")),
]}

_CHOICE_ALIASES = {"赤": "red", "黄": "yellow", "黄色": "yellow", "緑": "green"}


def exercise(exercise_id: str) -> Exercise:
    """The exercise ``exercise_id`` (an unknown id is an :class:`~csmaturity.errors.ArgumentError`
    listing the known ones)."""
    check_argument(exercise_id in EXERCISES, "exercise_id", f"unknown exercise {exercise_id!r}; known: {sorted(EXERCISES)}")
    return EXERCISES[exercise_id]


def _number(answer: Any) -> float | None:
    if isinstance(answer, bool):
        return None
    if isinstance(answer, (int, float)):
        return float(answer) if math.isfinite(answer) else None
    text = unicodedata.normalize("NFKC", str(answer)).strip().replace(",", "").replace("−", "-")
    text = re.sub(r"\s*(%|pt|points?|円|yen|months?|か月|ヶ月|ポイント)$", "", text, flags=re.IGNORECASE)
    text = text.removeprefix("$").removeprefix("¥").removeprefix("+").strip()
    try:
        return float(text)
    except ValueError:
        return None


def check(exercise_id: str, answer: Any) -> Feedback:
    """Is ``answer`` right for exercise ``exercise_id``? Says why, in both languages."""
    ex = exercise(exercise_id)
    expected, work_ja, work_en = ex.solve()
    if ex.unit == "choice":
        given = unicodedata.normalize("NFKC", str(answer)).strip()
        given = _CHOICE_ALIASES.get(given, given)
        matches = [c for c in ex.choices if c.casefold() == given.casefold()]
        if not matches:
            return Feedback(correct=False, message_ja=f"{', '.join(ex.choices)} のどれかで答えてください。",
                            message_en=f"Answer with one of {', '.join(ex.choices)}.", expected=expected)
        ok = matches[0] == expected
    else:
        value = _number(answer)
        if value is None:
            return Feedback(correct=False, message_ja=f"数値で答えてください（入力: {answer!r}）。",
                            message_en=f"Please answer with a number (got {answer!r}).", expected=expected)
        ok = abs(value - expected) <= ex.tolerance + 1e-9
        if not ok and ex.unit == "%" and abs(value * 100 - expected) <= ex.tolerance + 1e-9:
            return Feedback(correct=False, message_ja=f"{value:g} は割合（小数）のようです。%で答えてください。{work_ja}",
                            message_en=f"{value:g} looks like a fraction: answer in %. {work_en}", expected=expected)
    if ok:
        return Feedback(correct=True, message_ja=f"正解です。{work_ja}", message_en=f"Correct: {work_en}", expected=expected)
    return Feedback(correct=False, message_ja=f"違います。{work_ja}", message_en=f"Not quite. {work_en}", expected=expected)
