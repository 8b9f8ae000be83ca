"""The Japanese font embedded in reports: every character covered, shared wording cut once."""

from __future__ import annotations

import base64
import io
import re

from fontTools.ttLib import TTFont

from csmaturity.plotting.style import japanese_font_path
from csmaturity.report.fonts import font_face_css
from csmaturity.report.html import shared_wording

FACE = re.compile(r"@font-face \{ font-family: '([^']+)'; src: url\(data:font/ttf;base64,([A-Za-z0-9+/=]+)\) "
                  r"format\('truetype'\); unicode-range: ([^;]+); \}")


def faces(css: str) -> list[tuple[set[int], set[int]]]:
    """(code points the face declares, code points its font maps) of each rule."""
    found = []
    for _family, data, ranges in FACE.findall(css):
        declared: set[int] = set()
        for part in ranges.split(","):
            first, _, last = part.strip().removeprefix("U+").partition("-")
            declared.update(range(int(first, 16), int(last or first, 16) + 1))
        cmap = TTFont(io.BytesIO(base64.b64decode(data))).getBestCmap()
        found.append((declared, set(cmap)))
    assert len(found) == css.count("@font-face"), "every rule parsed"
    return found


def embeddable(text: str) -> set[int]:
    return {ord(c) for c in text if ord(c) >= 0x2000 and c.isprintable()}


def test_a_page_without_japanese_embeds_nothing():
    assert font_face_css("Plain ASCII report", common=["共通の文言"]) == ""


def test_a_japanese_page_shares_one_face_and_adds_its_own_characters(model):
    common = shared_wording(model, "ja")
    page_a = "継続率をKPIにしている 株式会社鷗外"  # 鷗 and 外: a client's own name
    page_b = "継続率をKPIにしている 合同会社麒麟"
    faces_a = faces(font_face_css(page_a, common=[common]))
    faces_b = faces(font_face_css(page_b, common=[common]))
    assert len(faces_a) == len(faces_b) == 2
    assert faces_a[0] == faces_b[0]  # the same shared face in both pages
    for page, found in ((page_a, faces_a), (page_b, faces_b)):
        (common_declared, common_mapped), (own_declared, own_mapped) = found
        # A face claims exactly the characters its font has: the rest (≤) stays with the system fonts.
        assert common_declared == embeddable(common) & common_mapped and ord("≤") not in common_declared
        assert own_declared == (embeddable(page) - embeddable(common)) & own_mapped
        assert common_declared.isdisjoint(own_declared)
    assert ord("鷗") in faces_a[1][0] and ord("麒") in faces_b[1][0]
    assert ord("鷗") not in faces_b[1][0]  # no client's characters in another client's page


def test_every_character_the_font_has_gets_a_face(model):
    common = shared_wording(model, "ja")
    page = common[:2000] + "株式会社鷗外 ≤ 40"
    declared = set().union(*(d for d, _ in faces(font_face_css(page, common=[common]))))
    in_font = set(TTFont(japanese_font_path()).getBestCmap())
    assert embeddable(page) & in_font <= declared


def test_shared_wording_is_that_of_the_page_language(model):
    english = embeddable(shared_wording(model, "en"))
    japanese = embeddable(shared_wording(model, "ja"))
    assert {ord("—"), ord("→")} <= english and not any(0x3040 <= p < 0xA000 for p in english)  # no kana or kanji
    assert {ord("継"), ord("続")} <= japanese and len(japanese) > 300


def test_an_english_page_embeds_a_few_symbols(model):
    (declared, mapped), = faces(font_face_css("Overall score — level 2 → 3", common=[shared_wording(model, "en")]))
    assert {ord("—"), ord("→")} <= declared <= mapped and len(declared) < 20


def test_without_shared_wording_one_face_covers_the_page():
    page = "顧客の声を集めている"
    (declared, mapped), = faces(font_face_css(page))
    assert declared == embeddable(page) <= mapped


def test_each_shared_wording_gets_its_face_without_overlap(model):
    notebook = "診断ノートブックの説明文、見出しと注記。"
    labels = shared_wording(model, "ja")
    found = faces(font_face_css(notebook + "継続率 鷗", common=[notebook, labels]))
    assert len(found) == 3
    assert found[0][0] == embeddable(notebook)
    assert found[1][0] == (embeddable(labels) - embeddable(notebook)) & found[1][1]  # no character twice
    assert found[2][0] == {ord("鷗")}


def test_each_character_keeps_the_fonts_own_outline():
    # The subset is cut from a lazily read font: its glyphs must still be the full font's.
    page = "顧客成功の成熟度 カスタマーサクセス"
    ((_family, data, _ranges),) = FACE.findall(font_face_css(page))
    subset, full = TTFont(io.BytesIO(base64.b64decode(data))), TTFont(japanese_font_path())
    for char in set(page) - {" "}:
        theirs, ours = full["glyf"][full.getBestCmap()[ord(char)]], subset["glyf"][subset.getBestCmap()[ord(char)]]
        assert ours.numberOfContours > 0 and ours.numberOfContours == theirs.numberOfContours, char
        assert list(ours.getCoordinates(subset["glyf"])[0]) == list(theirs.getCoordinates(full["glyf"])[0]), char
