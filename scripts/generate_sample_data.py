"""Generate the sample accounts table and relational NPS survey in lib/csmaturity/samples/.

    python scripts/generate_sample_data.py [--out DIR]

Deterministic: the same bytes on every run (tests/test_sample_data.py regenerates the
files and compares them). Randomness comes only from ``random.Random(SEED).random()``,
the one stream Python promises to keep across versions; normal and Poisson draws are
derived from it here rather than through library samplers that may change.

The data are synthetic but built so that every analysis in the kit has something to
find (none of it is uniform noise):

* each account has a latent health; usage signals (active-user share, logins per seat,
  feature adoption, support tickets) reflect it and churn hazard falls with it, so a
  health score separates churned from retained customers;
* ARR is log-normal, so the top 20–30 % of customers bring roughly 60–80 % of revenue;
* the survey's overall 0–10 score is driven by support for everyone, by delivery and
  quotation for high-ARR customers (top 30 %) and by procedures and product quality for
  the others; NPS is slightly positive and rises from FY2023 to FY2024;
* some customers are locked in (high switching cost): they intend to stay (NRS 5)
  without recommending, which fills the "stays without recommending" cell of the
  NPS × NRS matrix.

Files written:

* ``accounts.csv`` — UTF-8, English headers (canonical column names);
* ``accounts_ja.xlsx`` — the same accounts with Japanese headers, as a client's Excel;
* ``survey_ja_cp932.csv`` — CP932 (Shift_JIS) with Japanese headers, a few full-width
  digits and blank answers, as Japanese Excel saves a CSV.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import xlsxwriter

SEED = 20250401
N_ACCOUNTS = 2400
PERIOD_START = dt.date(2024, 4, 1)
SNAPSHOT = dt.date(2025, 3, 31)  # end of FY2024: the state the tables describe
FIRST_START = dt.date(2017, 4, 1)
WAVES = ((2023, dt.date(2023, 10, 2), 600), (2024, dt.date(2024, 10, 1), 800))
HIGH_VALUE_SHARE = 0.3
ITEMS = ("quotation", "procedures", "delivery", "quality", "support")
# How much each experience item moves the overall score, by customer value.
DRIVER_WEIGHTS = {
    "high": {"quotation": 0.55, "procedures": 0.05, "delivery": 0.75, "quality": 0.10, "support": 0.70},
    "low": {"quotation": 0.10, "procedures": 0.65, "delivery": 0.05, "quality": 0.35, "support": 0.70},
}
# Mean of each item's latent rating: quality is rated well, support and delivery less so.
ITEM_MEANS = {"quotation": 0.15, "procedures": -0.05, "delivery": -0.25, "quality": 0.65, "support": -0.35}
RATING_CUTS = (-1.6, -0.6, 0.3, 1.2)  # latent → 1..5
PLANS = (("Starter", 0.68), ("Standard", 0.74), ("Enterprise", 0.80))  # plan, gross margin

PREFIXES = (
    "Aoba", "Asahi", "Chitose", "Daiwa", "Fuji", "Hikari", "Hinode", "Homare", "Kaede", "Kawasemi",
    "Kirin", "Kotobuki", "Midori", "Minato", "Mirai", "Mizuho", "Nagisa", "Nishiki", "Ooka", "Sakura",
    "Sanwa", "Seiryu", "Shinsei", "Subaru", "Suzuran", "Taiyo", "Takumi", "Tsubasa", "Wakaba", "Yamato",
    "Yotsuba", "Yuki", "Akebono", "Kagayaki", "Tokiwa", "Hoshi", "Izumi", "Koyo", "Matsu", "Ume",
)
CORES = (
    "Logistics", "Foods", "Systems", "Trading", "Electric", "Pharma", "Construction", "Textiles",
    "Printing", "Motors", "Insurance", "Realty", "Software", "Chemicals", "Clinic Group", "Retail",
    "Machinery", "Publishing", "Hotels", "Engineering", "Design", "Consulting", "Agritech", "Steel",
    "Optics", "Marine", "Media", "Energy", "Telecom", "Education", "Travel", "Security", "Fashion",
    "Packaging", "Robotics", "Ceramics", "Beverages", "Cosmetics", "Semiconductor", "Finance",
)
SUFFIXES = ("K.K.", "Co., Ltd.", "Inc.", "Holdings")

ACCOUNT_COLUMNS = (
    ("account_id", "顧客ID"), ("company_name", "会社名"), ("arr", "ARR（円）"), ("plan", "プラン"),
    ("segment", "セグメント"), ("start_date", "契約開始日"), ("renewal_date", "契約更新日"),
    ("seats", "契約ライセンス数"), ("active_users", "アクティブユーザー数"),
    ("logins_30d", "月間ログイン数"), ("feature_adoption", "機能活用率"),
    ("support_tickets_90d", "問い合わせ件数"), ("last_nps", "直近NPS"), ("churned", "解約"),
    ("churn_date", "解約日"), ("upsell_arr", "アップセル額"), ("cross_sell_arr", "クロスセル額"),
    ("contraction_arr", "ダウングレード額"), ("revenue_to_date", "累計売上"),
    ("cost_of_sales_to_date", "累計売上原価"), ("orders_to_date", "累計購入回数"),
)
SURVEY_COLUMNS = (
    ("response_id", "回答ID"), ("account_id", "顧客ID"), ("survey_year", "調査年度"),
    ("answered_on", "回答日"), ("nps", "推奨度（0-10）"), ("nrs", "継続意向（NRS）"),
    ("ces", "負担感（CES）"), ("csat", "満足度（CSAT）"), ("dwb", "購入意向（DWB）"),
    ("item_quotation", "見積もり"), ("item_procedures", "手続き"), ("item_delivery", "納期"),
    ("item_quality", "品質"), ("item_support", "サポート"),
)


class Draw:
    """Random draws built only on ``random.Random.random()`` (stable across Pythons)."""

    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed)

    def uniform(self, low: float = 0.0, high: float = 1.0) -> float:
        return low + (high - low) * self._random.random()

    def normal(self, mean: float = 0.0, sd: float = 1.0) -> float:
        u1 = 1.0 - self._random.random()  # (0, 1]: log is finite
        u2 = self._random.random()
        return mean + sd * math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)

    def chance(self, p: float) -> bool:
        return self._random.random() < p

    def poisson(self, lam: float) -> int:
        """Inverse-transform sampling; fine for the small means used here."""
        if lam <= 0:
            return 0
        if lam > 60:  # normal approximation keeps the loop short for big accounts
            return max(0, round(self.normal(lam, math.sqrt(lam))))
        u, k, p = self._random.random(), 0, math.exp(-lam)
        cumulative = p
        while u > cumulative:
            k += 1
            p *= lam / k
            cumulative += p
        return k

    def index(self, n: int) -> int:
        return min(n - 1, int(self._random.random() * n))

    def sample(self, population: Sequence[int], k: int) -> list[int]:
        """k distinct items, by a partial Fisher–Yates shuffle."""
        pool = list(population)
        for i in range(k):
            j = i + self.index(len(pool) - i)
            pool[i], pool[j] = pool[j], pool[i]
        return pool[:k]


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def rating(latent: float, cuts: Sequence[float] = RATING_CUTS) -> int:
    return 1 + sum(latent > c for c in cuts)


def add_days(day: dt.date, days: float) -> dt.date:
    return day + dt.timedelta(days=int(days))


@dataclass
class Account:
    account_id: str
    company_name: str
    arr: int
    plan: str
    margin: float
    segment: str
    start_date: dt.date
    health: float
    locked_in: bool
    high_value: bool = False
    churn_date: dt.date | None = None
    last_nps: int | None = None
    fields: dict[str, object] = field(default_factory=dict)


def make_accounts(draw: Draw) -> list[Account]:
    names = draw.sample(range(len(PREFIXES) * len(CORES)), N_ACCOUNTS // len(SUFFIXES) + 1)
    span = (PERIOD_START.replace(year=2025) - FIRST_START).days - 20
    accounts = []
    for i in range(N_ACCOUNTS):
        name_index = names[i % len(names)]
        company = (f"{PREFIXES[name_index // len(CORES)]} {CORES[name_index % len(CORES)]} "
                   f"{SUFFIXES[i // len(names)]}")
        arr = max(120_000, round(math.exp(draw.normal(math.log(1_500_000), 1.2)), -3))
        size = math.log(arr / 1_500_000)
        plan_score = size + draw.normal(0, 0.6)
        plan, margin = PLANS[0] if plan_score < -0.3 else PLANS[1] if plan_score < 1.4 else PLANS[2]
        segment = "Enterprise" if arr >= 10_000_000 else "Mid-Market" if arr >= 3_000_000 else "SMB"
        # Recent years brought more customers: start dates lean towards the snapshot.
        start = add_days(FIRST_START, span * math.sqrt(draw.uniform()))
        accounts.append(Account(
            account_id=f"C{10001 + i}", company_name=company, arr=int(arr), plan=plan,
            margin=margin + draw.normal(0, 0.02), segment=segment, start_date=start,
            health=draw.normal(), locked_in=draw.chance(0.15),
        ))
    ranked = sorted(accounts, key=lambda a: (-a.arr, a.account_id))
    for account in ranked[: round(HIGH_VALUE_SHARE * len(accounts))]:
        account.high_value = True
    for account in accounts:
        size = math.log(account.arr / 1_500_000)
        hazard = 0.16 * math.exp(-0.95 * account.health - 0.9 * account.locked_in - 0.2 * size)
        years = -math.log(1.0 - draw.uniform()) / hazard
        churn = add_days(account.start_date, max(30.0, 365.25 * years))
        account.churn_date = churn if churn <= SNAPSHOT else None
    return accounts


def usage_signals(draw: Draw, account: Account) -> None:
    """Usage at the last observation: the snapshot, or the churn date for lost customers."""
    observed = account.health - (0.7 if account.churn_date else 0.0)
    seats = max(3, round(account.arr / 60_000 * math.exp(draw.normal(0, 0.25))))
    active = min(seats, round(seats * sigmoid(0.6 + 1.1 * observed + draw.normal(0, 0.5))))
    logins = draw.poisson(active * 12 * math.exp(0.3 * observed + draw.normal(0, 0.3)))
    adoption = min(1.0, max(0.0, sigmoid(-0.3 + 0.9 * observed + draw.normal(0, 0.6))))
    tickets = draw.poisson(math.sqrt(seats) * 0.5 * math.exp(-0.6 * observed))
    account.fields.update(seats=seats, active_users=active, logins_30d=logins,
                          feature_adoption=f"{adoption:.2f}", support_tickets_90d=tickets)


def period_movements(draw: Draw, account: Account) -> None:
    """Upsell, cross-sell and contraction during FY2024 for customers active at its start."""
    at_start = account.start_date < PERIOD_START and not (
        account.churn_date and account.churn_date < PERIOD_START)
    retained = at_start and account.churn_date is None
    upsell = cross = contraction = 0
    if retained:
        h = account.health
        if draw.chance(sigmoid(-2.0 + 0.9 * h)):
            upsell = round(account.arr * draw.uniform(0.1, 0.5), -3)
        if draw.chance(sigmoid(-2.6 + 0.7 * h)):
            cross = round(account.arr * draw.uniform(0.05, 0.3), -3)
        if draw.chance(sigmoid(-3.0 - 0.8 * h)):
            contraction = round(account.arr * draw.uniform(0.1, 0.4), -3)
    account.fields.update(upsell_arr=int(upsell), cross_sell_arr=int(cross), contraction_arr=int(contraction))


def billing_history(draw: Draw, account: Account) -> None:
    end = account.churn_date or SNAPSHOT
    months = max(1, math.ceil((end - account.start_date).days / 30.44))
    # Past years were billed at a lower ARR than today's.
    revenue = round(account.arr * months / 12 * draw.uniform(0.85, 1.0), -3)
    invoices = math.ceil(months / 12) if account.plan == "Enterprise" else months
    orders = invoices + draw.poisson(months / 12)  # add-on purchases
    cost = round(revenue * (1 - account.margin), -3)
    renewal = None
    if account.churn_date is None:
        renewal = account.start_date
        while renewal <= SNAPSHOT:
            renewal = renewal.replace(year=renewal.year + 1) if not (
                renewal.month == 2 and renewal.day == 29) else renewal.replace(year=renewal.year + 1, day=28)
    account.fields.update(revenue_to_date=int(revenue), cost_of_sales_to_date=int(cost),
                          orders_to_date=orders, renewal_date=renewal)


@dataclass
class Response:
    response_id: str
    account: Account
    year: int
    answered_on: dt.date
    answers: dict[str, int | None]


def make_survey(draw: Draw, accounts: list[Account]) -> list[Response]:
    responses = []
    for year, opens, size in WAVES:
        eligible = [i for i, a in enumerate(accounts)
                    if a.start_date < opens and not (a.churn_date and a.churn_date <= opens)]
        for i in sorted(draw.sample(eligible, size)):
            account = accounts[i]
            h = account.health
            latent = {item: ITEM_MEANS[item] + 0.35 * h + draw.normal(0, 0.9) for item in ITEMS}
            weights = DRIVER_WEIGHTS["high" if account.high_value else "low"]
            wave_lift = 0.25 if year == 2024 else 0.0
            overall = (0.25 * h + sum(w * latent[item] for item, w in weights.items())
                       + wave_lift + draw.normal(0, 0.8))
            nps = min(10, max(0, round(7.45 + 1.45 * overall)))
            effort = rating(-0.7 * latent["procedures"] - 0.3 * h + draw.normal(0, 0.8),
                            (-1.8, -1.0, -0.35, 0.3, 0.9, 1.6))
            stay = 0.45 * overall + 1.6 * account.locked_in + 0.4 * h + draw.normal(0, 0.7)
            answers: dict[str, int | None] = {
                "nps": nps,
                "nrs": rating(stay, (-1.3, -0.6, 0.1, 0.85)),
                "ces": effort,
                "csat": rating(0.7 * overall + draw.normal(0, 0.6), (-1.5, -0.7, 0.0, 0.9)),
                "dwb": rating(0.6 * overall + draw.normal(0, 0.7), (-1.4, -0.5, 0.4, 1.0)),
                **{f"item_{item}": rating(latent[item]) for item in ITEMS},
            }
            for key, p_blank in (("dwb", 0.05), ("ces", 0.02), ("nps", 0.005),
                                 *((f"item_{item}", 0.03) for item in ITEMS)):
                if draw.chance(p_blank):
                    answers[key] = None
            responses.append(Response(f"R{year}-{len(responses) + 1:05d}", account, year,
                                      add_days(opens, draw.index(30)), answers))
    for response in responses:  # latest answer wins
        if response.answers["nps"] is not None:
            response.account.last_nps = response.answers["nps"]
    return responses


def account_rows(accounts: list[Account]) -> list[dict[str, object]]:
    return [
        {
            "account_id": a.account_id, "company_name": a.company_name, "arr": a.arr, "plan": a.plan,
            "segment": a.segment, "start_date": a.start_date, "renewal_date": a.fields["renewal_date"],
            **{k: a.fields[k] for k in ("seats", "active_users", "logins_30d", "feature_adoption",
                                        "support_tickets_90d")},
            "last_nps": a.last_nps, "churned": a.churn_date is not None, "churn_date": a.churn_date,
            **{k: a.fields[k] for k in ("upsell_arr", "cross_sell_arr", "contraction_arr",
                                        "revenue_to_date", "cost_of_sales_to_date", "orders_to_date")},
        }
        for a in accounts
    ]


def survey_rows(responses: list[Response]) -> list[dict[str, object]]:
    return [
        {"response_id": r.response_id, "account_id": r.account.account_id, "survey_year": r.year,
         "answered_on": r.answered_on, **r.answers}
        for r in responses
    ]


def csv_text(columns: Sequence[tuple[str, str]], rows: list[dict[str, object]], japanese: bool,
             cell: Callable[[str, object], str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n" if japanese else "\n")
    writer.writerow([ja if japanese else en for en, ja in columns])
    for row in rows:
        writer.writerow([cell(en, row[en]) for en, _ in columns])
    return out.getvalue()


def english_cell(_: str, value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def japanese_survey_cells(draw: Draw) -> Callable[[str, object], str]:
    """Survey cells as typed in Japanese Excel: slash dates, now and then a full-width digit."""
    full_width = str.maketrans("0123456789", "０１２３４５６７８９")

    def cell(column: str, value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, dt.date):
            return f"{value.year}/{value.month}/{value.day}"
        text = str(value)
        if column in ("nps", "csat") and draw.chance(0.01):
            return text.translate(full_width)
        return text

    return cell


def write_accounts_xlsx(path: Path, rows: list[dict[str, object]]) -> None:
    """Japanese headers, real Excel dates, はい/いいえ flags; fixed metadata for reproducibility."""
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    workbook.set_properties({"created": dt.datetime(2025, 4, 1), "author": "csmaturity sample data"})
    sheet = workbook.add_worksheet("顧客一覧")
    date_format = workbook.add_format({"num_format": "yyyy/mm/dd"})
    header_format = workbook.add_format({"bold": True})
    for col, (_, ja) in enumerate(ACCOUNT_COLUMNS):
        sheet.write_string(0, col, ja, header_format)
    for r, row in enumerate(rows, start=1):
        for col, (en, _) in enumerate(ACCOUNT_COLUMNS):
            value = row[en]
            if value is None:
                continue
            if isinstance(value, bool):
                sheet.write_string(r, col, "はい" if value else "いいえ")
            elif isinstance(value, dt.date):
                sheet.write_datetime(r, col, dt.datetime.combine(value, dt.time()), date_format)
            elif en == "feature_adoption":
                sheet.write_number(r, col, float(str(value)))
            elif isinstance(value, int):
                sheet.write_number(r, col, value)
            else:
                sheet.write_string(r, col, str(value))
    sheet.freeze_panes(1, 0)
    workbook.close()


def generate(out: Path) -> list[Path]:
    """Write the sample files into ``out`` and return their paths."""
    draw = Draw(SEED)
    accounts = make_accounts(draw)
    for account in accounts:
        usage_signals(draw, account)
        period_movements(draw, account)
        billing_history(draw, account)
    responses = make_survey(draw, accounts)
    out.mkdir(parents=True, exist_ok=True)
    rows = account_rows(accounts)
    paths = [out / "accounts.csv", out / "accounts_ja.xlsx", out / "survey_ja_cp932.csv"]
    paths[0].write_bytes(csv_text(ACCOUNT_COLUMNS, rows, False, english_cell).encode("utf-8"))
    write_accounts_xlsx(paths[1], rows)
    survey = csv_text(SURVEY_COLUMNS, survey_rows(responses), True, japanese_survey_cells(draw))
    paths[2].write_bytes(survey.encode("cp932"))
    return paths


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "lib/csmaturity/samples",
                        help="directory to write into (default: lib/csmaturity/samples)")
    args = parser.parse_args(argv)
    for path in generate(args.out):
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
