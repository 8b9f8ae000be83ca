"""The one text store: every label in both languages, the look-ups, and no wording elsewhere."""

from __future__ import annotations

import json
import re
import string

import pytest

from csmaturity.i18n import LANGUAGES, check_language, join_list, labels, leaves, text, variants
from csmaturity.report.formatting import fmt_compact

from conftest import ROOT

# Hiragana, katakana (and its phonetic extensions, half-width forms) and kanji.
JAPANESE = re.compile("[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]")

# Where Japanese may be written: the store, the maturity model, the sample data, the tests.
ALLOWED = ("lib/csmaturity/i18n/", "lib/csmaturity/models/", "lib/csmaturity/samples/", "tests/")

# Files another change is moving into the store; each must still hold Japanese, so the
# entry is removed as soon as the move lands.


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _placeholders(value) -> set[tuple[str, str, str]]:
    """(field, format spec, conversion) of every ``{...}`` in a leaf's strings."""
    return {(field, spec or "", conv or "") for s in _strings(value)
            for _, field, spec, conv in string.Formatter().parse(s) if field is not None}


# --------------------------------------------------------------------------- the store


def test_every_leaf_has_every_language():
    found = list(leaves())
    assert len(found) > 400  # report, widgets, intake, exercises, data names
    for key, leaf in found:
        assert isinstance(leaf, dict) and set(leaf) == set(LANGUAGES), f"{key} is not a {{ja, en}} pair: {leaf!r}"
        kinds = {type(leaf[lang]) for lang in LANGUAGES}
        assert kinds in ({str}, {list}), f"{key}: both languages must be a text, or both a word list"
        assert all(w or key == "common.sentence_separator" for lang in LANGUAGES for w in _strings(leaf[lang])), key


def test_every_leaf_has_the_same_placeholders_in_each_language():
    mismatched = {key: {lang: sorted(_placeholders(leaf[lang])) for lang in LANGUAGES}
                  for key, leaf in leaves() if len({frozenset(_placeholders(leaf[lang])) for lang in LANGUAGES}) > 1}
    assert mismatched == {}


def test_labels_is_the_tree_in_one_language():
    ja, en = labels("ja"), labels("en")
    assert ja["summary"]["overall"] == "総合スコア" and en["summary"]["overall"] == "Overall score"
    assert ja["status"]["dont_know"] == ja["common"]["dont_know"] == "分からない"  # one wording, shared
    assert set(ja) == set(en) and {"widgets", "teaching", "intake", "exercises", "survey", "drivers"} <= set(ja)


def test_text_fills_placeholders():
    assert text("widgets.answered", "en", done=3, total=26) == "3 / 26 questions answered"
    # Scores come formatted on the model's scale (the what-if panel's ``score_scale.format``).
    assert text("widgets.held_back", "ja", level="L3", dimension="KPI", score="42", required="50") == \
        "L3 に届かない理由: KPI が 42 点（必要 50 点）"
    assert text("drivers.quadrants.priority to improve", "ja") == "優先して改善"


def test_text_with_a_missing_key_names_the_key():
    with pytest.raises(KeyError, match=r"widgets\.no_such_label") as caught:
        text("widgets.no_such_label", "en")
    assert "widgets has no 'no_such_label'" in str(caught.value)
    with pytest.raises(KeyError, match="nowhere.at_all"):
        text("nowhere.at_all", "ja")
    with pytest.raises(KeyError, match=r"'widgets' is a group"):
        text("widgets", "ja")
    with pytest.raises(KeyError, match="word list"):
        text("headers.accounts.arr", "ja")


def test_check_language_names_the_allowed_languages():
    assert check_language("ja") == "ja"
    with pytest.raises(ValueError, match="ja, en") as caught:
        check_language("fr")
    assert "'fr'" in str(caught.value)
    with pytest.raises(ValueError, match="ja, en"):
        text("summary.overall", "fr")
    with pytest.raises(ValueError, match="ja, en"):
        labels("de")


def test_join_list_in_both_languages():
    assert join_list([], "en") == "" and join_list(["A"], "ja") == "A"
    assert join_list(["A", "B"], "en") == "A and B"
    assert join_list(["A", "B", "C"], "en") == "A, B and C"
    assert join_list(["A", "B", "C"], "ja") == "A、BとC"
    # table cells: the separator alone, never a comma between English labels that may hold one
    assert join_list(["Weekly, with actions", "Monthly"], "en", conjunction=False) == "Weekly, with actions; Monthly"
    assert join_list(iter(["A", "B", "C"]), "ja", conjunction=False) == "A、B、C"


def test_variants_gives_every_language_without_repeats():
    assert variants("common.dont_know") == ("分からない", "Don't know")
    assert variants("headers.accounts.account_id") == ("顧客ID", "取引先ID", "アカウントID", "customer_id", "id")
    assert variants("intake.columns.key") == ("ID",)


def test_compact_amounts_use_each_languages_units():
    assert fmt_compact(4_380_000_000, "en") == "4.38B" and fmt_compact(4_380_000_000, "ja") == "43.8億"
    assert fmt_compact(52_000, "ja") == "5.2万" and fmt_compact(999, "en") == "999"


# --------------------------------------------------------------------------- the callers


def test_every_literal_key_in_the_code_and_templates_exists():
    code_keys = {m.group(1) for path in (ROOT / "lib" / "csmaturity").rglob("*.py")
                 for m in re.finditer(r"""\btext\(\s*["']([a-z_][\w.]*)["']\s*[,)]""",
                                      path.read_text(encoding="utf-8"))}
    assert len(code_keys) > 60
    for key in sorted(code_keys):
        for lang in LANGUAGES:
            text(key, lang)  # KeyError names a missing key
    template = (ROOT / "templates" / "report.html.j2").read_text(encoding="utf-8")
    tree = labels("en")
    for path in sorted(set(re.findall(r"\bL\.([a-z_]+(?:\.[a-z_0-9]+)*)", template))):
        node = tree
        for part in path.split("."):
            if not isinstance(node, dict):
                break  # a Jinja attribute of a string (e.g. .format) or list
            assert part in node, f"templates/report.html.j2 uses L.{path}, which is not in the store"
            node = node[part]


def _files_with_japanese() -> dict[str, list[str]]:
    """Files of lib/, templates/ and the notebooks' code cells holding Japanese, with the lines."""
    found: dict[str, list[str]] = {}
    paths = [p for folder in ("lib", "templates") for p in (ROOT / folder).rglob("*") if p.is_file()]
    paths += sorted((ROOT / "notebooks").glob("*.ipynb"))
    for path in paths:
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith(ALLOWED) or "__pycache__" in rel:
            continue
        try:
            content = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # not text
        if path.suffix == ".ipynb":  # markdown cells are prose and may be in Japanese
            cells = json.loads(content)["cells"]
            content = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        lines = [line.strip() for line in content.splitlines() if JAPANESE.search(line)]
        if lines:
            found[rel] = lines
    return found


def test_no_japanese_outside_the_store_the_model_and_the_data():
    found = _files_with_japanese()
    stray = {path: lines[:3] for path, lines in found.items()}
    assert stray == {}, "wording belongs in lib/csmaturity/i18n/ (text(), labels())"


def test_the_check_finds_japanese():
    assert JAPANESE.search("レポート") and JAPANESE.search("分からない") and JAPANESE.search("ｶﾀｶﾅ")
    assert not JAPANESE.search("Don't know — ９ ＡＲＲ「」、。")  # full-width Latin and punctuation are not words
