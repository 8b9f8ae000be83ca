"""Interface words of the widgets in both languages (questions come from the model)."""

from __future__ import annotations

from ..model import LANGUAGES

UI: dict[str, dict[str, str]] = {
    "ja": {
        "client": "クライアント情報",
        "id": "クライアントID",
        "name": "会社名",
        "industry": "業種",
        "assessment_date": "診断日",
        "language": "レポート言語",
        "business_model": "事業モデル",
        "arr_band": "ARRの規模",
        "customers": "顧客数",
        "cs_headcount": "CS担当者数",
        "dont_know": "分からない",
        "evidence": "根拠・メモ",
        "answered": "回答済み {done} / {total} 問",
        "save": "保存",
        "load": "読み込み",
        "file": "ファイル",
        "saved": "保存しました: {path}（{done}/{total} 問回答）",
        "loaded": "読み込みました: {path}",
        "not_saved": "保存できません。次の点を直してください:",
        "not_loaded": "読み込めません:",
        "ok": "✓",
        "baseline": "現状",
        "what_if": "仮定",
        "overall": "総合スコア",
        "level": "レベル",
        "dimension": "領域",
        "weight": "重み",
        "score": "スコア",
        "weights": "領域の重み",
        "answers": "回答",
        "reset": "元に戻す",
        "held_back": "{level} に届かない理由: {dimension} が {score:.0f} 点（必要 {required:g} 点）",
        "suggest": "次のレベルに上がる一手を探す",
        "lifts_title": "1問だけ変えた場合に総合スコアが最も上がる回答",
        "change": "変更",
        "no_lift": "1問の変更だけで上がる回答はありません。",
        "invalid_model": "この重みでは採点できません:",
    },
    "en": {
        "client": "Client information",
        "id": "Client id",
        "name": "Company name",
        "industry": "Industry",
        "assessment_date": "Assessment date",
        "language": "Report language",
        "business_model": "Business model",
        "arr_band": "ARR band",
        "customers": "Customers",
        "cs_headcount": "CS headcount",
        "dont_know": "Don't know",
        "evidence": "Evidence / notes",
        "answered": "{done} / {total} questions answered",
        "save": "Save",
        "load": "Load",
        "file": "File",
        "saved": "Saved {path} ({done}/{total} answered)",
        "loaded": "Loaded {path}",
        "not_saved": "Not saved. Please fix:",
        "not_loaded": "Cannot load:",
        "ok": "✓",
        "baseline": "As is",
        "what_if": "What if",
        "overall": "Overall score",
        "level": "Level",
        "dimension": "Dimension",
        "weight": "Weight",
        "score": "Score",
        "weights": "Dimension weights",
        "answers": "Answers",
        "reset": "Reset",
        "held_back": "Held back from {level}: {dimension} scores {score:.0f}, needs {required:g}",
        "suggest": "Find single changes that lift the level",
        "lifts_title": "Single answer changes that raise the overall score most",
        "change": "Change",
        "no_lift": "No single answer change raises the score.",
        "invalid_model": "Cannot score with these weights:",
    },
}


def ui(lang: str, key: str, **fmt: object) -> str:
    """Interface text ``key`` in ``lang``, formatted with ``fmt``."""
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, got {lang!r}")
    text = UI[lang][key]
    return text.format(**fmt) if fmt else text
