"""The report as a PowerPoint deck a consultant edits and presents (python-pptx).

Slides, all from the computed results: cover, the executive page (the report's own:
:func:`csmaturity.report.executive.executive_summary`), maturity ladder, dimension
scores, where the team disagrees (several respondents only: the report's heat map as a
coloured table, how firm the level is, the widest role gaps), benchmark (one per
benchmark of the model, none without), top actions, roadmap, what the next level (and a
target level) takes, customer metrics (with data) and an appendix of every answer. Text
stays text; the score, benchmark and NPS charts are native PowerPoint charts (their data
editable in PowerPoint); the ladder and the roadmap are shapes.

Japanese needs its own font slot: a PowerPoint run names a Latin typeface
(``a:latin``) and an East-Asian one (``a:ea``), and python-pptx's ``font.name`` sets
only the first, so Japanese text would fall back to whatever the viewer picks. Every
run, paragraph default and chart text of the deck, and the theme (for text typed
later), therefore names both (:data:`LATIN_FONT`, :data:`EAST_ASIAN_FONT`).

python-pptx is an optional dependency: ``pip install 'csmaturity[deck]'``.
"""

from __future__ import annotations

import io
import math
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..errors import require_module
from ..i18n import join_list, labels, text
from ..io.files import atomic_path
from ..io.sheets import JA_FONT
from ..plotting.charts import benchmark_name, has_timeline
from ..plotting.style import COLORS, PALETTE, disagreement_color
from . import tables
from .branding import DEFAULT_BRANDING, Branding
from .executive import plan_actions
from .formatting import fmt_bound, fmt_money, fmt_percent, fmt_score, fmt_signed
from .respondents import robustness_sentence, role_gap_sentences, score_matrix, team

if TYPE_CHECKING:
    from ..model import Benchmark
    from .results import ReportResults

__all__ = ["DECK_INSTALL", "LATIN_FONT", "EAST_ASIAN_FONT", "SlideDeck", "cover", "deck_engine", "write_deck",
           "slide_titles"]

DECK_INSTALL = "pip install 'csmaturity[deck]'"
#: The deck's Latin typeface (Liberation Sans, metric-compatible, stands in for it elsewhere).
LATIN_FONT = "Arial"
#: The deck's Japanese typeface: the workbooks' (Yu Gothic, the default of Japanese Office on
#: Windows and macOS); a viewer without it (LibreOffice on Linux) takes its own Japanese font.
EAST_ASIAN_FONT = JA_FONT

# 16:9 slide, in inches.
WIDTH, HEIGHT = 13.333, 7.5
MARGIN = 0.55
TITLE_TOP, BODY_TOP, FOOT_TOP = 0.35, 1.35, 7.0
BODY_HEIGHT = FOOT_TOP - BODY_TOP - 0.1
INK, MUTED, LIGHT = "222222", "666666", "E4E9EF"
#: Rows of the actions and appendix tables per slide (their text is sized to fit).
TOP_ACTIONS = 6
ROADMAP_ROWS = 15


def deck_engine() -> ModuleType:
    """The ``pptx`` module (python-pptx); MissingDependencyError saying how to install it."""
    return require_module("pptx", "python-pptx (it writes the deck)", DECK_INSTALL)


def _hex(color: str) -> str:
    return color.lstrip("#").upper()


def _width(value: str) -> float:
    """The width of a text in ems: East-Asian wide characters one, the rest about half."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.55 for c in value)


def _lines(value: str, width_in: float, size_pt: float) -> int:
    """About how many lines ``value`` takes in a box ``width_in`` inches wide."""
    per_line = max(width_in * 72 / size_pt, 1.0)
    return sum(max(1, math.ceil(_width(part) / per_line)) for part in str(value).split("\n"))


_ALIGN = {"left": "l", "center": "ctr", "right": "r"}
_ANCHOR = {"top": "t", "middle": "ctr", "bottom": "b"}


def _paragraph(value: str, *, align: str, size: float, bold: bool, color: str, spacing: float = 0) -> str:
    """One ``a:p`` of one run as XML; ``spacing`` points after it."""
    after = f'<a:spcAft><a:spcPts val="{round(spacing * 100)}"/></a:spcAft>' if spacing else ""
    props = f'<a:pPr algn="{_ALIGN[align]}">{after}</a:pPr>' if after else f'<a:pPr algn="{_ALIGN[align]}"/>'
    return f'<a:p>{props}<a:r>{_run_properties(size, bold=bold, color=color)}<a:t>{_xml_text(value)}</a:t></a:r></a:p>'


def _replace_text_body(shape: Any, body_properties: str, paragraphs: str) -> None:
    """Give ``shape`` a text body of ``paragraphs`` (XML), its ``a:bodyPr`` opened with
    ``body_properties`` (its attributes and the rest of the element). Written as XML in
    one go: python-pptx's frame, paragraph and font properties took most of a deck's time."""
    from pptx.oxml import parse_xml
    from pptx.oxml.ns import nsdecls

    body = parse_xml(f'<p:txBody {nsdecls("a", "p")}><a:bodyPr {body_properties}<a:lstStyle/>{paragraphs}</p:txBody>')
    old = shape._element.txBody
    old.getparent().replace(old, body)



def _run_properties(size: float, *, bold: bool, color: str) -> str:
    """A run's ``a:rPr`` as XML: size, weight and colour (the typefaces are named at save)."""
    return (f'<a:rPr sz="{round(size * 100)}" b="{int(bold)}"><a:solidFill><a:srgbClr val="{color}"/>'
            '</a:solidFill></a:rPr>')


def _xml_text(value: object) -> str:
    """``value`` as the text of an ``a:t`` element: XML-escaped, and control characters
    written as PowerPoint's ``_xHHHH_`` escapes (as python-pptx writes a run's text)."""
    from xml.sax.saxutils import escape

    from pptx.oxml.text import CT_RegularTextRun

    return escape(CT_RegularTextRun._escape_ctrl_chars(str(value)))


class SlideDeck:
    """A presentation being built in one language and the firm's look: its slide
    helpers (text, shapes, tables, native charts) and the fonts named on every run.
    ``client`` is whom the deck is prepared for, for the branding's confidentiality
    line in the footer; None (a portfolio of many clients) leaves that line out."""

    def __init__(self, lang: str, branding: Branding, client: str | None):
        self.pptx = deck_engine()
        from pptx import Presentation
        from pptx.util import Inches

        self.lang = lang
        self.L = labels(lang)
        self.branding = branding
        self.primary = _hex(branding.colors.primary)
        self.accent = _hex(branding.colors.accent)
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = Inches(WIDTH), Inches(HEIGHT)
        self.footer = text("deliver.footer_separator", lang).join(
            filter(None, (branding.wording("confidentiality", lang, client) if client is not None else "",
                          branding.wording("footer", lang, client or ""))))

    # ------------------------------------------------------------------ primitives

    def emu(self, inches: float) -> int:
        from pptx.util import Inches

        return int(Inches(inches))

    def slide(self, title: str, subtitle: str | None = None) -> Any:
        """A blank slide with a title, a rule in the firm's colour and the footer."""
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[6])
        self.text(slide, MARGIN, TITLE_TOP, WIDTH - 2 * MARGIN, 0.6, title, size=24, bold=True, color=self.primary)
        self.rect(slide, MARGIN, TITLE_TOP + 0.68, WIDTH - 2 * MARGIN, 0.04, self.primary)
        if subtitle:
            self.text(slide, MARGIN, TITLE_TOP + 0.76, WIDTH - 2 * MARGIN, 0.3, subtitle, size=12, color=MUTED)
        if self.footer:
            self.text(slide, MARGIN, FOOT_TOP, WIDTH - 2 * MARGIN - 1.0, 0.3, self.footer, size=9, color=MUTED)
        number = len(self.prs.slides)
        self.text(slide, WIDTH - MARGIN - 0.8, FOOT_TOP, 0.8, 0.3, str(number), size=9, color=MUTED, align="right")
        return slide

    def text(self, slide: Any, x: float, y: float, w: float, h: float, content: str | Sequence[str], *,
             size: float = 14, bold: bool = False, color: str = INK, align: str = "left",
             bullets: bool = False, anchor: str = "top", spacing: float = 0) -> Any:
        """A text box: one paragraph per item of ``content`` (a string is one)."""
        box = slide.shapes.add_textbox(self.emu(x), self.emu(y), self.emu(w), self.emu(h))
        paragraphs = [content] if isinstance(content, str) else list(content)
        _replace_text_body(box, f'wrap="square" anchor="{_ANCHOR[anchor]}" lIns="{self.emu(0.05)}" '
                                f'rIns="{self.emu(0.05)}"><a:spAutoFit/></a:bodyPr>',
                           "".join(_paragraph(("• " if bullets else "") + str(item), align=align, size=size,
                                              bold=bold, color=color, spacing=spacing) for item in paragraphs)
                           or "<a:p/>")  # a text body holds at least one paragraph
        return box

    def style(self, font: Any, size: float, bold: bool = False, color: str = INK) -> None:
        from pptx.dml.color import RGBColor
        from pptx.util import Pt

        font.size = Pt(size)
        font.bold = bold
        font.color.rgb = RGBColor.from_string(color)

    def rect(self, slide: Any, x: float, y: float, w: float, h: float, fill: str, *, line: str | None = None,
             shape: str = "RECTANGLE", label: str = "", size: float = 11, color: str = INK,
             bold: bool = False) -> Any:
        """A filled shape, optionally with centred text."""
        from pptx.dml.color import RGBColor
        from pptx.enum.shapes import MSO_SHAPE
        from pptx.oxml.ns import qn

        box = slide.shapes.add_shape(getattr(MSO_SHAPE, shape), self.emu(x), self.emu(y), self.emu(w), self.emu(h))
        # The theme's shape style would add a shadow and white text: fill, line and text
        # are set here instead.
        style = box._element.find(qn("p:style"))
        if style is not None:
            box._element.remove(style)
        box.fill.solid()
        box.fill.fore_color.rgb = RGBColor.from_string(fill)
        if line:
            box.line.color.rgb = RGBColor.from_string(line)
        else:
            box.line.fill.background()
        inset = self.emu(0.04)
        _replace_text_body(box, f'rtlCol="0" anchor="ctr" wrap="square" lIns="{inset}" rIns="{inset}" '
                                f'tIns="{inset}" bIns="{inset}"/>',
                           _paragraph(label, align="center", size=size, bold=bold, color=color) if label
                           else '<a:p><a:pPr algn="ctr"/></a:p>')
        return box

    def table(self, slide: Any, x: float, y: float, widths: Sequence[float], header: Sequence[str],
              rows: Sequence[Sequence[str]], *, size: float = 11, align: Sequence[str] | None = None) -> Any:
        """A table with a header row in the firm's colour; row heights follow the text.

        The rows are written as one piece of XML: setting each cell's margins, fill,
        alignment and run through python-pptx's properties took most of a deck's time."""
        from pptx.oxml import parse_xml
        from pptx.oxml.ns import nsdecls

        aligns = [_ALIGN[a] for a in (align or ["left"] * len(widths))]
        margins = f'marL="{self.emu(0.06)}" marR="{self.emu(0.06)}" marT="{self.emu(0.03)}" marB="{self.emu(0.03)}"'
        xml_rows, height = [], 0
        for i, values in enumerate([header, *rows]):
            lines = max(_lines(v, w - 0.12, size) for v, w in zip(values, widths, strict=True))
            fill = self.primary if i == 0 else ("FFFFFF" if i % 2 else "F4F6F9")
            run = _run_properties(size, bold=i == 0, color="FFFFFF" if i == 0 else INK)
            cells = "".join(
                f'<a:tc><a:txBody><a:bodyPr/><a:lstStyle/><a:p><a:pPr algn="{aligns[j]}"><a:spcAft>'
                f'<a:spcPts val="0"/></a:spcAft></a:pPr><a:r>{run}<a:t>{_xml_text(value)}</a:t></a:r></a:p>'
                f'</a:txBody><a:tcPr {margins}><a:solidFill><a:srgbClr val="{fill}"/></a:solidFill></a:tcPr></a:tc>'
                for j, value in enumerate(values))
            row_height = self.emu(0.12 + lines * size * 1.25 / 72)
            height += row_height
            xml_rows.append(f'<a:tr h="{row_height}">{cells}</a:tr>')
        frame = slide.shapes.add_table(len(rows) + 1, len(widths), self.emu(x), self.emu(y),
                                       self.emu(sum(widths)), height)
        table = frame.table
        for j, width in enumerate(widths):
            table.columns[j].width = self.emu(width)
        tbl = table._tbl
        for tr in tbl.tr_lst:
            tbl.remove(tr)
        tbl.extend(list(parse_xml(f'<a:tbl {nsdecls("a")}>{"".join(xml_rows)}</a:tbl>')))
        return table

    def chart(self, slide: Any, kind: str, x: float, y: float, w: float, h: float, categories: Sequence[str],
              series: Sequence[tuple[str, Sequence[float | None], str]], *, number_format: str = "0",
              axis: tuple[float, float] | None = None, legend: bool = False, labels_inside: bool = False) -> Any:
        """A native chart (``kind``: an ``XL_CHART_TYPE`` name) of ``series`` (name,
        values, colour) over ``categories``, with data labels."""
        from pptx.chart.data import CategoryChartData
        from pptx.dml.color import RGBColor
        from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
        from pptx.util import Pt

        data = CategoryChartData(number_format=number_format)
        data.categories = list(categories)
        for name, values, _ in series:
            data.add_series(name, [None if v is None or (isinstance(v, float) and math.isnan(v)) else v
                                   for v in values])
        frame = slide.shapes.add_chart(getattr(XL_CHART_TYPE, kind), self.emu(x), self.emu(y), self.emu(w),
                                       self.emu(h), data)
        chart = frame.chart
        chart.has_title = False  # the slide's title says what it shows
        chart.font.size = Pt(11)
        chart.font.color.rgb = RGBColor.from_string(INK)
        chart.has_legend = legend
        if legend:
            chart.legend.position = XL_LEGEND_POSITION.TOP
            chart.legend.include_in_layout = False
        plot = chart.plots[0]
        plot.gap_width = 60
        if len(series) > 1 and "STACKED" not in kind:
            plot.overlap = -10
        plot.has_data_labels = True
        data_labels = plot.data_labels
        data_labels.number_format = number_format
        data_labels.number_format_is_linked = False
        data_labels.font.size = Pt(10)
        if labels_inside:
            data_labels.position = XL_LABEL_POSITION.CENTER
        elif "BAR" in kind or "COLUMN" in kind:
            data_labels.position = XL_LABEL_POSITION.OUTSIDE_END
        for k, (_, _, color) in enumerate(series):
            fill = plot.series[k].format.fill
            fill.solid()
            fill.fore_color.rgb = RGBColor.from_string(_hex(color))
        if axis is not None:
            chart.value_axis.minimum_scale, chart.value_axis.maximum_scale = axis
        value_axis = chart.value_axis
        value_axis.has_major_gridlines = True
        value_axis.major_gridlines.format.line.color.rgb = RGBColor.from_string(LIGHT)
        value_axis.tick_labels.number_format = number_format
        value_axis.tick_labels.number_format_is_linked = False
        value_axis.format.line.fill.background()
        if "BAR" in kind:  # categories read top-down, in the order given
            chart.category_axis.reverse_order = True
        chart.category_axis.format.line.color.rgb = RGBColor.from_string("BBBBBB")
        chart.category_axis.has_major_gridlines = False
        return chart

    # ------------------------------------------------------------------ fonts

    def set_fonts(self) -> None:
        """Name both typefaces on every run, paragraph default and chart text of the
        deck, mark the text's language, and make them the theme's fonts."""
        lang_tag = "ja-JP" if self.lang == "ja" else "en-US"
        for slide in self.prs.slides:
            _name_fonts(slide.shapes._spTree, lang_tag)
            for shape in slide.shapes:
                if shape.has_chart:
                    _name_fonts(shape.chart._chartSpace, lang_tag)
        _theme_fonts(self.prs)


    def save(self, path: str | Path, title: str) -> Path:
        """Name the fonts, set the document's properties and write it atomically."""
        self.set_fonts()
        props = self.prs.core_properties
        props.title = title
        props.author = self.branding.byline() or "csmaturity"
        props.language = "ja-JP" if self.lang == "ja" else "en-US"
        with atomic_path(path) as tmp:
            self.prs.save(str(tmp))
        return Path(path)


class _Deck(SlideDeck):
    """The client's deck: the slide helpers with the report's results."""

    def __init__(self, results: ReportResults, branding: Branding):
        self.results = results
        self.a = results.assessment
        self.client = self.a.answers.client.name
        super().__init__(self.a.lang, branding, self.client)
        self.executive = results.executive


_PROPERTIES = ("rPr", "defRPr", "endParaRPr")
#: Children of a run's properties that come after the typefaces (schema order).
_AFTER_FONTS = ("sym", "hlinkClick", "hlinkMouseOver", "rtl", "extLst")


def _name_fonts(root: Any, lang_tag: str) -> None:
    """Give every run property element under ``root`` the Latin and East-Asian typefaces."""
    from lxml import etree
    from pptx.oxml.ns import qn

    for tag in _PROPERTIES:
        for props in root.iter(qn(f"a:{tag}")):
            for old in props.findall(qn("a:latin")) + props.findall(qn("a:ea")):
                props.remove(old)
            successor = next((props.find(qn(f"a:{t}")) for t in _AFTER_FONTS if props.find(qn(f"a:{t}")) is not None),
                             None)
            for name, face in (("latin", LATIN_FONT), ("ea", EAST_ASIAN_FONT)):
                element = etree.SubElement(props, qn(f"a:{name}"))
                element.set("typeface", face)
                if successor is not None:
                    successor.addprevious(element)
            if tag != "defRPr":
                props.set("lang", lang_tag)
                props.set("altLang", "ja-JP" if lang_tag != "ja-JP" else "en-US")


def _theme_fonts(prs: Any) -> None:
    """The theme's major and minor fonts: the deck's typefaces (text added later by hand)."""
    from lxml import etree
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT
    from pptx.oxml.ns import qn

    theme = prs.slide_master.part.part_related_by(RT.THEME)
    root = etree.fromstring(theme.blob)
    for group in ("majorFont", "minorFont"):
        for node in root.iter(qn(f"a:{group}")):
            node.find(qn("a:latin")).set("typeface", LATIN_FONT)
            node.find(qn("a:ea")).set("typeface", EAST_ASIAN_FONT)
    theme._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# ---------------------------------------------------------------------- the slides


def _cover(d: _Deck) -> None:
    cover(d, d.L["report"]["kicker"], d.client, d.L["report"]["title"],
          f"{d.L['report']['assessed_on']} {d.a.answers.client.assessment_date.isoformat()}")


def cover(d: SlideDeck, kicker: str, name: str, title: str, when: str) -> None:
    """The cover: the firm's logo, ``kicker`` above ``name`` in large type, ``title``
    under it, then ``when``, the consultant and the firm."""
    b = d.branding
    slide = d.prs.slides.add_slide(d.prs.slide_layouts[6])
    d.rect(slide, 0, 0, WIDTH, 0.35, d.primary)
    if b.logo_bytes is not None:
        from pptx.util import Inches

        picture = slide.shapes.add_picture(io.BytesIO(b.logo_bytes), d.emu(MARGIN), d.emu(0.75), height=Inches(0.8))
        if picture.width > Inches(3.5):  # a wide logo: held to the width instead
            ratio = Inches(3.5) / picture.width
            picture.width, picture.height = Inches(3.5), int(picture.height * ratio)
    d.text(slide, MARGIN, 2.2, WIDTH - 2 * MARGIN, 0.4, kicker, size=16, color=d.accent)
    d.text(slide, MARGIN, 2.65, WIDTH - 2 * MARGIN, 1.2, name, size=40, bold=True, color=INK)
    d.text(slide, MARGIN, 3.85, WIDTH - 2 * MARGIN, 0.5, title, size=20, color=MUTED)
    meta = [when]
    if b.consultant:
        meta.append(text("deliver.prepared_by", d.lang, name=b.consultant))
    if b.firm:
        meta.append(b.firm)
    d.text(slide, MARGIN, 4.7, WIDTH - 2 * MARGIN, 1.2, meta, size=14, color=INK, spacing=4)
    if d.footer:
        d.text(slide, MARGIN, FOOT_TOP - 0.2, WIDTH - 2 * MARGIN, 0.4, d.footer, size=10, color=MUTED)
    d.rect(slide, 0, HEIGHT - 0.12, WIDTH, 0.12, d.accent)


def _figures(d: _Deck) -> list[tuple[str, str, str]]:
    """The key figures of the summary: (label, value, note), as the report's cards."""
    card = d.a.scorecard
    scale = d.a.model.score_scale
    L = d.L["summary"]
    suffix = text("scale.short_out_of" if scale.min == 0 else "scale.short_range", d.lang,
                  min=fmt_bound(scale.min), max=fmt_bound(scale.max)).strip()
    return [(L["overall"], fmt_score(card.overall, scale), suffix),
            (L["level"], card.level.name.get(d.lang), L["provisional"] if card.provisional else ""),
            (L["coverage"], fmt_percent(card.coverage),
             L["coverage_note"].format(n=len(card.dont_know) + len(card.unanswered)))]


def _executive(d: _Deck) -> None:
    """The report's executive page: headline, key figures, findings beside what the next
    level takes, and the first actions (:func:`csmaturity.report.executive.executive_summary`)."""
    E = d.executive
    X = d.L["executive"]
    slide = d.slide(d.L["sections"]["summary"])
    d.text(slide, MARGIN, BODY_TOP - 0.05, WIDTH - 2 * MARGIN, 0.75, E.headline,
           size=16 if _lines(E.headline, WIDTH - 2 * MARGIN, 16) <= 2 else 13, bold=True, color=d.primary)
    figures = _figures(d)
    top = BODY_TOP + 0.8
    width = 2.6
    for k, (label, value, note) in enumerate(figures):
        y = top + k * 1.02
        d.rect(slide, MARGIN, y, width, 0.92, "F4F6F9")
        d.rect(slide, MARGIN, y, 0.05, 0.92, d.accent)
        d.text(slide, MARGIN + 0.12, y + 0.04, width - 0.2, 0.3, label, size=10, color=MUTED)
        d.text(slide, MARGIN + 0.12, y + 0.3, width - 0.2, 0.4, value, size=20 if _width(value) < 9 else 15,
               bold=True)
        d.text(slide, MARGIN + 0.12, y + 0.64, width - 0.2, 0.25, note, size=9, color=MUTED)
    box = E.next_level
    column = (WIDTH - 2 * MARGIN - width - 0.5) / (2 if box is not None else 1)
    x = MARGIN + width + 0.25
    d.text(slide, x, top - 0.05, column, 0.3, X["findings_title"], size=12, bold=True, color=d.primary)
    d.text(slide, x, top + 0.3, column, 2.8, [f"{k}. {f.text}" for k, f in enumerate(E.findings, start=1)],
           size=12 if sum(_lines(f.text, column, 12) for f in E.findings) <= 9 else 10.5, spacing=6)
    if box is not None:
        bx = x + column + 0.25
        d.rect(slide, bx, top - 0.05, column, 3.1, "F7FBFE", line=d.accent)
        lines = [f"{'✓' if c.met else '✗'} {c.line}" for c in box.conditions]
        d.text(slide, bx + 0.12, top, column - 0.24, 0.3, box.title, size=12, bold=True, color=d.primary)
        d.text(slide, bx + 0.12, top + 0.35, column - 0.24, 1.6, lines, size=11, spacing=2)
        d.text(slide, bx + 0.12, top + 2.0, column - 0.24, 1.0, box.outcome, size=10, color=MUTED)
    _first_actions(d, slide)


def _first_actions(d: _Deck, slide: Any) -> None:
    """The executive page's first actions along the foot of the slide."""
    X = d.L["executive"]
    actions = d.executive.actions
    if not actions:
        return
    top = FOOT_TOP - 1.3
    d.text(slide, MARGIN, top - 0.02, 6.0, 0.3, X["actions_title"], size=11, bold=True, color=d.primary)
    width = (WIDTH - 2 * MARGIN - 0.2 * (len(actions) - 1)) / len(actions)
    for k, act in enumerate(actions):
        x = MARGIN + k * (width + 0.2)
        d.rect(slide, x, top + 0.3, width, 0.95, "F4F6F9")
        d.text(slide, x + 0.1, top + 0.33, width - 0.2, 0.5, f"{act.rank}. {act.title}", size=12, bold=True)
        when = " · ".join(v for v in (act.owner_label, act.quarter) if v)
        d.text(slide, x + 0.1, top + 0.85, width - 0.2, 0.3, when, size=10, color=MUTED)


def _ladder(d: _Deck) -> None:
    """The levels as the report's ladder draws them (the executive page's rungs): each
    with what it means and what it takes, the client's marked."""
    a = d.a
    scale = a.model.score_scale
    card = a.scorecard
    slide = d.slide(d.L["executive"]["ladder_title"],
                    text("deck.ladder_note", d.lang, score=fmt_score(card.overall, scale), min=fmt_bound(scale.min),
                         max=fmt_bound(scale.max)))
    left, span = MARGIN, WIDTH - 2 * MARGIN
    top = BODY_TOP + 0.55
    for rung in d.executive.ladder:
        x = left + span * scale.to_fraction(rung.min)
        w = span * (rung.max - rung.min) / scale.span
        d.rect(slide, x + 0.03, top, w - 0.06, 0.75, d.accent if rung.current else LIGHT, label=rung.name,
               size=14, bold=rung.current, color="FFFFFF" if rung.current else INK)
        d.text(slide, x - 0.3, top + 0.8, 0.6, 0.3, fmt_bound(rung.min), size=10, color=MUTED, align="center")
        words = [w_ for w_ in (rung.description, rung.entry) if w_]
        if words:
            d.text(slide, x + 0.05, top + 1.2, w - 0.1, 3.6, words, size=12, color=INK if rung.current else MUTED,
                   spacing=8)
    d.text(slide, left + span - 0.3, top + 0.8, 0.6, 0.3, fmt_bound(scale.max), size=10, color=MUTED, align="center")
    at = left + span * min(max(scale.to_fraction(card.overall), 0.0), 1.0)
    d.rect(slide, at - 0.14, top - 0.3, 0.28, 0.24, INK, shape="ISOSCELES_TRIANGLE").rotation = 180


def _dimensions(d: _Deck) -> None:
    a = d.a
    scale = a.model.score_scale
    dims = tables.dimension_rows(d.results)
    slide = d.slide(d.L["sections"]["dimensions"],
                    text("deck.dimensions_note", d.lang, min=fmt_bound(scale.min), max=fmt_bound(scale.max)))
    number_format = "0" if scale.decimals == 0 else "0." + "0" * scale.decimals
    series: list[tuple[str, Sequence[float | None], str]] = [
        (text("chart.radar.current", d.lang), dims["score"].tolist(), "#" + d.accent)]
    if d.results.previous is not None:
        prev = d.results.previous.scorecard.dimensions["score"].reindex(dims["dimension_id"]).tolist()
        label = text("chart.radar.previous", d.lang,
                     date=d.results.previous.answers.client.assessment_date.isoformat())
        series.insert(0, (label, prev, COLORS["previous"]))
    chart_width = 8.3
    d.chart(slide, "BAR_CLUSTERED", MARGIN, BODY_TOP + 0.1, chart_width, BODY_HEIGHT - 0.1, dims["name"].tolist(),
            series, number_format=number_format, axis=(scale.min, scale.max), legend=len(series) > 1)
    scored = dims.dropna(subset=["score"]).sort_values("score")
    if len(scored) >= 2:
        top = join_list(scored["name"].iloc[::-1].head(2), d.lang)
        low = join_list(scored["name"].head(2), d.lang)
        x = MARGIN + chart_width + 0.3
        d.text(slide, x, BODY_TOP + 0.4, WIDTH - MARGIN - x, 3.0,
               [text("deck.strengths", d.lang, names=top), text("deck.weaknesses", d.lang, names=low)],
               size=14, spacing=12)


def _team(d: _Deck) -> None:
    """Where the respondents disagree (several respondents only): each shown one's own
    score per dimension, coloured by its distance from the consensus as in the report's
    heat map, beside how firm the level is and the widest role gaps for the read-out."""
    from pptx.dml.color import RGBColor

    found = team(d.results)
    if found is None:
        return
    R = d.L["respondents"]
    a = d.a
    scale = a.model.score_scale
    matrix = score_matrix(d.results)
    consensus = found.dimensions["consensus"].reindex(matrix.index)
    slide = d.slide(R["heatmap_title"], R["heatmap_intro"])
    names = {dim.id: dim.name.get(d.lang) for dim in a.model.dimensions}
    people = list(matrix.columns)
    cell = min(1.5, 5.6 / (len(people) + 1))  # the table takes about two thirds of the slide
    widths = [2.4, *[cell] * len(people), cell]
    rows = [[names[dim], *[fmt_score(v, scale) for v in matrix.loc[dim]], fmt_score(consensus[dim], scale)]
            for dim in matrix.index]
    table = d.table(slide, MARGIN, BODY_TOP + 0.25, widths, ["", *people, R["chart"]["consensus"]], rows, size=11,
                    align=["left", *["center"] * (len(people) + 1)])
    for i, dim in enumerate(matrix.index, start=1):
        for j, who in enumerate(people, start=1):
            fill = disagreement_color(matrix.loc[dim, who] - consensus[dim], scale.span / 2)
            table.cell(i, j).fill.fore_color.rgb = RGBColor.from_string(fill[1:])
        table.cell(i, len(people) + 1).fill.fore_color.rgb = RGBColor.from_string(COLORS["grid"][1:])
    x = MARGIN + sum(widths) + 0.35
    lines = [line for line in [robustness_sentence(d.results)] if line]
    lines += [gap["text"] for gap in role_gap_sentences(d.results)[:2]]
    d.text(slide, x, BODY_TOP + 0.25, WIDTH - MARGIN - x, BODY_HEIGHT - 0.3, lines, size=12, spacing=10)


def _benchmark(d: _Deck, bench: Benchmark, limit: int = 10) -> None:
    rows = tables.benchmark_rows(d.results, bench)
    columns = {c.id: tables.share_column(c.id) for c in bench.cohorts}
    marks = d.L["deck"]["benchmark_mark"]
    if bench.contrast is not None:
        lead, lag = bench.contrast
        rows = rows.assign(order=(rows[columns[lead]] - rows[columns[lag]]).fillna(-1))
        cohorts = [bench.cohort(lead), bench.cohort(lag)]
        note = text("deck.benchmark_note", d.lang, leading=cohorts[0].name.get(d.lang),
                    lagging=cohorts[1].name.get(d.lang), n=min(limit, len(rows)))
    else:
        cohorts = list(bench.cohorts)
        rows = rows.assign(order=rows[[columns[c.id] for c in cohorts]].max(axis=1).fillna(-1))
        note = text("deck.benchmark_note_plain", d.lang, n=min(limit, len(rows)))
    rows = rows.sort_values("order", ascending=False).head(limit)
    slide = d.slide(text("sections.benchmark", d.lang, survey=benchmark_name(bench, d.lang)), note)
    colors = [COLORS["leading"], COLORS["lagging"], *PALETTE[4:]]
    categories = [f"{marks[client]} {label}" for client, label in zip(rows["client"], rows["label"], strict=True)]
    series = [(c.name.get(d.lang), rows[columns[c.id]].tolist(), colors[k % len(colors)])
              for k, c in enumerate(cohorts)]
    d.chart(slide, "BAR_CLUSTERED", MARGIN, BODY_TOP + 0.1, WIDTH - 2 * MARGIN, BODY_HEIGHT - 0.1, categories,
            series, number_format="0%", axis=(0, 1), legend=True)


def _actions(d: _Deck) -> None:
    """The plan's first actions as a table: owner, start quarter, effort, success KPI."""
    actions = plan_actions(d.results, 0, TOP_ACTIONS)
    if not actions:
        return
    X = d.L["executive"]
    slide = d.slide(text("deck.top_actions", d.lang))
    header = ["#", d.L["columns"]["title"], X["owner"], X["start"], X["effort"], X["kpi"]]
    widths = [0.5, 4.6, 2.0, 1.3, 1.1, WIDTH - 2 * MARGIN - 9.5]
    rows = [[str(act.rank), act.title, act.owner_label, act.quarter, act.effort_label or "—", act.kpi or "—"]
            for act in actions]
    d.table(slide, MARGIN, BODY_TOP, widths, header, rows, size=12,
            align=["right", "left", "left", "left", "center", "left"])
    total = d.executive.total_actions
    if total > len(actions):
        d.text(slide, MARGIN, FOOT_TOP - 0.45, WIDTH - 2 * MARGIN, 0.35,
               text("deck.more_actions", d.lang, n=total - len(actions)), size=11, color=MUTED)


def _roadmap(d: _Deck) -> None:
    """The plan's steps as bars over its months (shapes), phases as colours; for a
    model whose phases have no months (see :func:`csmaturity.plotting.charts.has_timeline`),
    the steps in order with the steps they wait for, as the report's table does."""
    a = d.a
    plan = a.plan
    if plan.empty:
        return
    title = d.L["sections"]["roadmap" if a.model.phases else "roadmap_unphased"]
    slide = d.slide(title)
    shown = plan.head(ROADMAP_ROWS)
    if not has_timeline(a):
        rows = tables.roadmap_rows(d.results).head(ROADMAP_ROWS)
        cols = d.L["columns"]
        d.table(slide, MARGIN, BODY_TOP, [0.8, 9.4, WIDTH - 2 * MARGIN - 10.2],
                [cols["step"], cols["action"], cols["after"]],
                [[str(r["step"]), r["title"], r["after"] or "—"] for _, r in rows.iterrows()], size=11,
                align=["right", "left", "left"])
    else:
        _timeline(d, slide, shown)
    if len(plan) > ROADMAP_ROWS:
        d.text(slide, MARGIN, FOOT_TOP - 0.5, 4.6, 0.3, text("deck.more_steps", d.lang, n=len(plan) - ROADMAP_ROWS),
               size=10, color=MUTED)


def _timeline(d: _Deck, slide: Any, shown: pd.DataFrame) -> None:
    """The steps as bars over the plan's months, below a scale of months."""
    a = d.a
    end = max(int(a.plan["due_month"].max()), 1)
    label_width = 5.0
    left = MARGIN + label_width + 0.1
    span = WIDTH - MARGIN - left
    top = BODY_TOP + 0.45
    row = min(0.34, (FOOT_TOP - 0.6 - top) / max(len(shown), 1))
    phases = {p.id: k for k, p in enumerate(a.model.phases)}
    step = 3 if end <= 24 else 6
    for month in range(0, end + 1, step):
        x = left + span * month / end
        d.rect(slide, x, top - 0.05, 0.01, row * len(shown) + 0.05, "DDDDDD")
        d.text(slide, x - 0.3, top - 0.4, 0.6, 0.3, str(month), size=10, color=MUTED, align="center")
    d.text(slide, left, FOOT_TOP - 0.5, span, 0.3, text("deck.roadmap_months", d.lang), size=10, color=MUTED,
           align="center")
    for k, (rank, step_row) in enumerate(shown.iterrows()):
        y = top + k * row
        color = PALETTE[phases.get(step_row["phase"], 0) % len(PALETTE)] if step_row["phase"] else "#" + d.accent
        label = f"{rank}. {step_row['title']}"
        size = 11 if row >= 0.3 and _lines(label, label_width - 0.1, 11) == 1 else 9.5
        d.text(slide, MARGIN, y, label_width, row, label, size=size, anchor="middle")
        start, due = int(step_row["start_month"]), int(step_row["due_month"])
        d.rect(slide, left + span * start / end, y + row * 0.15, max(span * (due - start) / end, 0.05), row * 0.7,
               _hex(color))
    legend_x = MARGIN  # above the steps' titles, clear of the month scale
    for p in a.model.phases:
        name = p.name.get(d.lang)
        d.rect(slide, legend_x, BODY_TOP + 0.02, 0.22, 0.18, _hex(PALETTE[phases[p.id] % len(PALETTE)]))
        d.text(slide, legend_x + 0.25, BODY_TOP - 0.05, 2.6, 0.3, name, size=10, color=MUTED)
        legend_x += 0.45 + _width(name) * 10 / 72


def _level_boxes(d: _Deck) -> None:
    """What the next level, and a target level, take: the executive page's level boxes
    with their conditions, the answers to change and what they bring."""
    E = d.executive
    boxes = [box for box in (E.next_level, E.target) if box is not None]
    if not boxes:
        top = d.a.model.levels[-1].name.get(d.lang)
        slide = d.slide(text("deck.next_level", d.lang, level=top))
        d.text(slide, MARGIN, BODY_TOP, WIDTH - 2 * MARGIN, 1.0, E.headline, size=18)
        return
    scale = d.a.model.score_scale
    X = d.L["executive"]["box"]
    for box in boxes:
        level = next(lv for lv in d.a.model.levels if lv.id == box.level)
        slide = d.slide(box.title, level.description.get(d.lang) if level.description else None)
        top = BODY_TOP + 0.75
        d.text(slide, MARGIN, top - 0.4, 6.4, 0.35, X["conditions"], size=13, bold=True, color=d.primary)
        header = [text("deck.requirement", d.lang), text("deck.now", d.lang), text("deck.needed", d.lang),
                  text("deck.after", d.lang), ""]
        rows = [[c.name, fmt_score(c.now, scale), fmt_bound(c.needed), fmt_score(c.after, scale),
                 d.L["executive"]["met" if c.met else "not_met"]] for c in box.conditions]
        d.table(slide, MARGIN, top, [2.6, 0.9, 0.9, 0.9, 1.1], header, rows, size=12,
                align=["left", "right", "right", "right", "center"])
        titles = dict(zip(d.a.plan["recommendation"], d.a.plan["title"], strict=True))
        changes = d.a.next_path.changes if box.kind == "next" and d.a.next_path is not None else None
        actions = {q: row["actions"] for q, row in changes.iterrows()} if changes is not None else {}
        change_rows = [[c["question"], fmt_signed(c["overall_gain"], scale.decimals + 1),
                        join_list((titles.get(x, x) for x in actions.get(c["question_id"], [])), d.lang,
                                  conjunction=False) or "—"] for c in box.changes[:6]]
        x = MARGIN + 6.7
        if change_rows:
            d.text(slide, x, top - 0.4, WIDTH - MARGIN - x, 0.35, text("deck.changes", d.lang), size=13, bold=True,
                   color=d.primary)
            d.table(slide, x, top, [2.9, 0.9, WIDTH - MARGIN - x - 3.8],
                    [d.L["columns"]["question"], text("deck.gain", d.lang), text("deck.actions", d.lang)],
                    change_rows, size=10, align=["left", "right", "left"])
        d.text(slide, MARGIN, FOOT_TOP - 0.8, WIDTH - 2 * MARGIN, 0.6, box.outcome, size=14, bold=True,
               color=d.primary)


def _metric_tiles(d: _Deck) -> list[tuple[str, str]]:
    """The headline metrics the data gives, at most eight: (label, value)."""
    m = d.results.metrics
    assert m is not None
    M = d.L["metric"]
    tiles: list[tuple[str, str]] = []
    if m.nps is not None:
        tiles.append(("NPS", fmt_signed(m.nps.score, 1)))
    if m.nrs is not None:
        tiles.append(("NRS", fmt_signed(m.nrs.score, 1)))
    r = m.retention
    if r is not None:
        tiles += [(M["churn_rate"], fmt_percent(r.churn_rate, 1)), ("GRR", fmt_percent(r.grr, 1)),
                  ("NRR", fmt_percent(r.nrr, 1))]
    if m.health is not None:
        tiles += [(M["arr_at_risk"], fmt_money(m.health.arr_at_risk, d.a.currency, d.lang)),
                  (M["share_arr_at_risk"], fmt_percent(m.health.share_arr_at_risk))]
    if m.ltv is not None:
        tiles.append(("LTV", fmt_money(m.ltv.by_margin_and_retention, d.a.currency, d.lang)))
    if m.ces is not None:
        tiles.append(("CES", f"{m.ces.mean:.2f}"))
    return tiles[:8]


def _metrics(d: _Deck) -> None:
    from pptx.enum.chart import XL_LABEL_POSITION

    m = d.results.metrics
    if m is None:
        return
    tiles = _metric_tiles(d)
    if not tiles:
        return
    slide = d.slide(d.L["sections"]["metrics"])
    per_row = 4
    width = (WIDTH - 2 * MARGIN - 0.2 * (per_row - 1)) / per_row
    for k, (label, value) in enumerate(tiles):
        x = MARGIN + (k % per_row) * (width + 0.2)
        y = BODY_TOP + (k // per_row) * 1.25
        d.rect(slide, x, y, width, 1.1, "F4F6F9")
        d.rect(slide, x, y, width, 0.05, d.accent)
        d.text(slide, x + 0.1, y + 0.1, width - 0.2, 0.35, label, size=11, color=MUTED)
        d.text(slide, x + 0.1, y + 0.45, width - 0.2, 0.55, value, size=22, bold=True)
    if m.nps is not None:
        names = d.L["chart"]["loyalty"]
        groups = [("NPS", (m.nps.share_detractors, m.nps.share_passives, m.nps.share_promoters))]
        if m.nrs is not None:
            groups.append(("NRS", (m.nrs.share_at_risk, m.nrs.share_neutrals, m.nrs.share_repeaters)))
        series = [(f"{names[a]} / {names[b]}" if len(groups) > 1 else names[a], [g[1][k] for g in groups], color)
                  for k, (a, b, color) in enumerate([("detractors", "at_risk", COLORS["bad"]),
                                                     ("passives", "neutrals", COLORS["neutral"]),
                                                     ("promoters", "repeaters", COLORS["good"])])]
        top = BODY_TOP + 1.25 * math.ceil(len(tiles) / per_row) + 0.1
        chart = d.chart(slide, "BAR_STACKED_100", MARGIN, top, WIDTH - 2 * MARGIN, FOOT_TOP - top - 0.1,
                        [g[0] for g in groups], series, number_format="0%", legend=True, labels_inside=True)
        for k, plotted in enumerate(chart.plots[0].series):  # light text on the dark bars
            labels_k = plotted.data_labels
            labels_k.show_value = True
            labels_k.number_format, labels_k.number_format_is_linked = "0%", False
            labels_k.position = XL_LABEL_POSITION.CENTER
            d.style(labels_k.font, 11, bold=True, color=INK if k == 1 else "FFFFFF")


def _appendix(d: _Deck) -> None:
    """Every answer, as many slides as the text needs."""
    answers = tables.answer_rows(d.results)
    cols = d.L["columns"]
    widths = [5.2, 5.4, WIDTH - 2 * MARGIN - 10.6]
    header = [cols["question"], cols["answer"], cols["points"]]
    size = 10
    budget = BODY_HEIGHT - 0.5
    chunk: list[list[str]] = []
    used = 0.0
    title = d.L["sections"]["answers"]
    pages: list[list[list[str]]] = []
    for _, row in answers.iterrows():
        values = [row["question"], row["answer"], fmt_percent(row["fraction"])]
        height = 0.1 + max(_lines(v, w - 0.12, size) for v, w in zip(values, widths, strict=True)) * size * 1.25 / 72
        if chunk and used + height > budget:
            pages.append(chunk)
            chunk, used = [], 0.0
        chunk.append(values)
        used += height
    if chunk:
        pages.append(chunk)
    for k, rows in enumerate(pages):
        slide = d.slide(title + (text("deliver.continued", d.lang) if k else ""))
        d.table(slide, MARGIN, BODY_TOP, widths, header, rows, size=size, align=["left", "left", "right"])


def write_deck(results: ReportResults, path: str | Path, *, branding: Branding = DEFAULT_BRANDING) -> Path:
    """Write the deck (see the module docstring) atomically to ``path``.

    Raises
    ------
    MissingDependencyError
        python-pptx is not installed (the message says how).
    """
    d = _Deck(results, branding)
    _cover(d)
    _executive(d)
    _ladder(d)
    _dimensions(d)
    _team(d)
    for bench in d.a.model.benchmarks:
        _benchmark(d, bench)
    _actions(d)
    _roadmap(d)
    _level_boxes(d)
    _metrics(d)
    _appendix(d)
    return d.save(path, f"{d.L['report']['title']} — {d.client}")


def slide_titles(path: str | Path) -> list[str]:
    """The title of every slide of a deck (its first text box), for checks and tests."""
    pptx = deck_engine()
    return [next((s.text_frame.text for s in slide.shapes if s.has_text_frame and s.text_frame.text), "")
            for slide in pptx.Presentation(str(path)).slides]
