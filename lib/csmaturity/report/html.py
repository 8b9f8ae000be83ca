"""Rendering the report context into one self-contained HTML file.

The Jinja2 environment has autoescape on for every template, so client-supplied text
(company name, evidence notes, column values) can never become markup. Styles are
inlined from ``report.css``, charts are SVG data URIs and the Japanese font is
embedded as a subset: the file opens offline and nothing in it reaches the network.
Templates are looked up in the package (``csmaturity/templates`` in a wheel) or, in an
editable install, in the repository's ``templates/`` folder. The environment is built
once per process and folder; Jinja reloads a template whose file changed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup

from ..i18n import labels
from ..io.resources import shipped_path
from .fonts import font_face_css
from .formatting import fmt_compact, fmt_indicative, fmt_number, fmt_percent, fmt_ratio, fmt_signed, missing

if TYPE_CHECKING:
    from ..model import MaturityModel

__all__ = ["templates_dir", "environment", "render_page", "embed_font", "render_html", "shared_wording",
           "FONT_CSS_MARKER"]

#: Replaced by the embedded font once the page text is known.
FONT_CSS_MARKER = "/* csmaturity:font-face */"


def templates_dir() -> Path:
    """``csmaturity/templates`` when installed from a wheel, else ``<repo>/templates``."""
    return shipped_path("templates")


def fill(label: str, **values: Any) -> str:
    """A label with ``{name}`` placeholders filled (the same convention as the code's).

    The result is a plain string, so autoescape still escapes it and every value in it.
    """
    return label.format(**values)


def css_string(text: str) -> Markup:
    """``text`` as a CSS string literal for a ``<style>`` element, where HTML entities
    are not decoded: quotes, backslashes, ``<``, ``>``, ``&`` and unprintable
    characters are written as CSS escapes (no ``</style>`` can close the element)."""
    escaped = "".join(c if c.isprintable() and c not in '\\"<>&' else f"\\{ord(c):X} " for c in str(text))
    return Markup(f'"{escaped}"')


@lru_cache(maxsize=4)
def environment(folder: str | None = None) -> jinja2.Environment:
    """The report's Jinja2 environment (autoescape on, strict undefined), cached: its
    templates are compiled once per process (a report page's takes a quarter second)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder or str(templates_dir())),
        autoescape=True,  # every template, whatever its extension
        undefined=jinja2.StrictUndefined,  # a typo in a template fails loudly
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(num=fmt_number, pct=fmt_percent, signed=fmt_signed, compact=fmt_compact,
                       indicative=fmt_indicative, ratio=fmt_ratio, fill=fill, css_string=css_string)
    env.tests["missing"] = missing
    return env


def _strings(node: Any, lang: str | None = None) -> Iterator[str]:
    """The strings of a nested dict/list tree; with ``lang``, only those under that key."""
    if isinstance(node, dict):
        for key, value in node.items():
            if lang is None or key == lang or isinstance(value, (dict, list)):
                yield from _strings(value, None if key == lang else lang)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item, lang)
    elif isinstance(node, str) and lang is None:
        yield node


# Sections of the text store no report shows (notebook widgets, the intake workbook, quadrant
# names, data-file vocabulary): left out of the shared wording so that the embedded font
# stays small. A character a page does use is always embedded, whatever this list says.
_NOT_IN_REPORTS = frozenset({"client", "widgets", "teaching", "intake", "exercises", "drivers", "headers", "flags",
                             "yes_no", "synth"})


@lru_cache(maxsize=2)
def _kit_wording(lang: str) -> str:
    templates = [path.read_text(encoding="utf-8") for path in sorted(templates_dir().glob("*.j2"))]
    shown = {section: node for section, node in labels(lang).items() if section not in _NOT_IN_REPORTS}
    return "".join([*_strings(shown), *templates])


def shared_wording(model: MaturityModel, lang: str) -> str:
    """The text every ``lang`` report of ``model`` draws on: the kit's labels and
    templates and the model's texts in that language (see ``common`` of
    :func:`csmaturity.report.fonts.font_face_css`)."""
    return _kit_wording(lang) + "".join(_strings(model.model_dump(mode="json"), lang))


def render_page(context: dict[str, Any], template: str = "report.html.j2") -> str:
    """The page for a context, with :data:`FONT_CSS_MARKER` where its font goes (see
    :func:`embed_font`): rendered once, it becomes the HTML file and the PDF."""
    return environment().get_template(template).render(**context)


def embed_font(page: str, *, common: Sequence[str] = (), also: str = "") -> str:
    """``page`` with the Japanese font it uses embedded at :data:`FONT_CSS_MARKER`,
    followed by the ``@font-face`` rules ``also`` (the charts' face of a PDF page).

    ``common`` (usually ``[shared_wording(model, lang)]``) lets a batch reuse the embedded
    font of the wording its reports share: the browser then takes each character from
    the face that has it. Without it the page gets one face holding every character it
    uses, which is what the PDF engine needs (it does not combine faces of a family).
    """
    return page.replace(FONT_CSS_MARKER, "\n".join(filter(None, [font_face_css(page, common=common), also])))


def render_html(context: dict[str, Any], template: str = "report.html.j2", *, common: Sequence[str] = ()) -> str:
    """The report page for a context from :func:`csmaturity.report.report_context`,
    its font embedded (see :func:`embed_font` for ``common``)."""
    return embed_font(render_page(context, template), common=common)
