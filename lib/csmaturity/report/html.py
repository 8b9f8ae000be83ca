"""Rendering the report context into one self-contained HTML file.

The Jinja2 environment has autoescape on for every template, so client-supplied text
(company name, evidence notes, column values) can never become markup. Styles are
inlined from ``report.css``, charts are PNG data URIs and the Japanese font is
embedded as a subset: the file opens offline and nothing in it reaches the network.
Templates are looked up in the package (``csmaturity/templates`` in a wheel) or, in an
editable install, in the repository's ``templates/`` folder. The environment is built
once per process and folder; Jinja reloads a template whose file changed.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from ..resources import shipped_path
from ..style import font_face_css
from .formatting import fmt_compact, fmt_indicative, fmt_number, fmt_percent, fmt_ratio, fmt_signed, missing

if TYPE_CHECKING:
    from ..model import MaturityModel

__all__ = ["templates_dir", "environment", "render_html", "shared_wording", "FONT_CSS_MARKER"]

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


@lru_cache(maxsize=4)
def environment(folder: str | None = None) -> jinja2.Environment:
    """The report's Jinja2 environment (autoescape on, strict undefined), cached."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder or str(templates_dir())),
        autoescape=True,  # every template, whatever its extension
        undefined=jinja2.StrictUndefined,  # a typo in a template fails loudly
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(num=fmt_number, pct=fmt_percent, signed=fmt_signed, compact=fmt_compact, indicative=fmt_indicative,
                       ratio=fmt_ratio, fill=fill)
    env.tests["missing"] = missing
    return env


@lru_cache(maxsize=1)
def _kit_wording() -> str:
    locales = resources.files("csmaturity.locales")
    texts = [(locales / name).read_text(encoding="utf-8") for name in ("labels.yaml", "portfolio.yaml")]
    texts += [path.read_text(encoding="utf-8") for path in sorted(templates_dir().glob("*.j2"))]
    return "".join(texts)


def shared_wording(model: "MaturityModel") -> str:
    """The text every report of ``model`` draws on: the kit's labels and templates and
    the model's texts in all languages (see ``common_text`` of
    :func:`csmaturity.style.font_face_css`)."""
    return _kit_wording() + json.dumps(model.model_dump(mode="json"), ensure_ascii=False)


def render_html(context: dict[str, Any], template: str = "report.html.j2", *, common_text: str = "") -> str:
    """The report page for a context from :func:`csmaturity.report.report_context`.

    ``common_text`` (usually :func:`shared_wording`) lets a batch reuse the embedded
    font of the wording its reports share.
    """
    page = environment().get_template(template).render(**context)
    return page.replace(FONT_CSS_MARKER, font_face_css(page, common_text=common_text))
