"""A small model whose scores are easy to compute by hand (used by several test files)."""

from __future__ import annotations

import copy
from typing import Any


def _t(text: str) -> dict[str, str]:
    return {"ja": f"{text}（日本語）", "en": text}


TINY_MODEL: dict[str, Any] = {
    "schema_version": 2,
    "id": "tiny",
    "version": "0.1.0",
    "title": _t("Tiny"),
    "profile": [
        {"id": "business_model", "label": _t("Business model"), "type": "choice",
         "options": [{"id": v, "label": _t(v)} for v in ("B2B", "B2C", "B2B2C")]},
        {"id": "arr_band", "label": _t("ARR band"), "type": "text"},
        {"id": "customers", "label": _t("Customers"), "type": "whole"},
        {"id": "cs_headcount", "label": _t("CS headcount"), "type": "whole"},
    ],
    "dimensions": [
        {"id": "a", "name": _t("A"), "weight": 2},
        {"id": "b", "name": _t("B"), "weight": 1},
    ],
    "questions": [
        {"id": "q1", "dimension": "a", "type": "single", "text": _t("Q1"),
         "options": [{"id": "x", "label": _t("x"), "points": 2},
                     {"id": "y", "label": _t("y"), "points": 1},
                     {"id": "z", "label": _t("z"), "points": 0}]},
        {"id": "q2", "dimension": "a", "type": "multi", "text": _t("Q2"), "max_points": 2,
         "options": [{"id": "m1", "label": _t("m1"), "points": 1},
                     {"id": "m2", "label": _t("m2"), "points": 1},
                     {"id": "m3", "label": _t("m3"), "points": 1},
                     {"id": "none", "label": _t("none"), "points": 0, "exclusive": True}],
         "benchmark": [{"item": "i2", "options": ["m1"]}]},
        {"id": "q3", "dimension": "b", "type": "scale", "text": _t("Q3"), "scale": {"min": 1, "max": 5}},
        {"id": "q4", "dimension": "b", "type": "yes_no", "weight": 3, "text": _t("Q4"),
         "benchmark": [{"item": "i1", "options": ["yes"]}]},
    ],
    "levels": [
        {"id": "L0", "stage": "none", "name": _t("L0"), "description": _t("d0"), "min": 0, "max": 40},
        {"id": "L1", "stage": "one", "name": _t("L1"), "description": _t("d1"), "min": 40, "max": 70,
         "gates": {"b": 50}},
        {"id": "L2", "stage": "two", "name": _t("L2"), "description": _t("d2"), "min": 70, "max": 100},
    ],
    "phases": [
        {"id": "p0", "name": _t("P0"), "horizon": _t("0-3"), "start_month": 0, "end_month": 3},
        {"id": "p1", "name": _t("P1"), "horizon": _t("3-6"), "start_month": 3, "end_month": 6},
    ],
    "recommendations": [
        {"id": "r_a", "title": _t("RA"), "action": _t("do A"), "phase": "p1",
         "triggers": [{"question": "q1", "below": 1}]},
        {"id": "r_b", "title": _t("RB"), "action": _t("do B"), "phase": "p0",
         "triggers": [{"question": "q4", "below": 1}], "depends_on": ["r_a"]},
        {"id": "r_c", "title": _t("RC"), "action": _t("do C"), "phase": "p0",
         "triggers": [{"question": "q3", "below": 0.5}]},
        {"id": "r_d", "title": _t("RD"), "action": _t("do D"), "phase": "p0",
         "triggers": [{"question": "q2", "lacks": ["m1"]}]},
    ],
    "benchmarks": [{
        "id": "survey",
        "source": _t("survey"),
        "fielded": "2021-02",
        "cohorts": [{"id": "effective", "n": 257, "name": _t("eff")},
                    {"id": "not_effective", "n": 243, "name": _t("not")}],
        "contrast": ["effective", "not_effective"],
        "items": [
            {"id": "i1", "label": _t("i1"), "shares": {"effective": 0.6, "not_effective": 0.2}},
            {"id": "i2", "label": _t("i2"), "shares": {"effective": 0.5, "not_effective": None}},
        ],
    }],
}

#: The benchmark as schema version 1 wrote it (fixed cohorts, shares as item keys).
TINY_BENCHMARK_V1: dict[str, Any] = {
    "source": _t("survey"),
    "fielded": "2021-02",
    "cohorts": {"effective": {"n": 257, "name": _t("eff")}, "not_effective": {"n": 243, "name": _t("not")}},
    "items": [
        {"id": "i1", "label": _t("i1"), "effective": 0.6, "not_effective": 0.2},
        {"id": "i2", "label": _t("i2"), "effective": 0.5, "not_effective": None},
    ],
}

CLIENT = {
    "id": "c1",
    "name": "Client One",
    "industry": "SaaS",
    "assessment_date": "2026-10-01",
    "language": "en",
    "profile": {"business_model": "B2B", "arr_band": "1-10M", "customers": 100, "cs_headcount": 2},
}


def tiny_model_dict() -> dict[str, Any]:
    return copy.deepcopy(TINY_MODEL)


def answers_dict(answers: dict[str, Any], **client: Any) -> dict[str, Any]:
    return {"client": {**copy.deepcopy(CLIENT), **client}, "answers": copy.deepcopy(answers)}
