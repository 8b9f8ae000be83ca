"""What every app shares: the language switch, the Japanese web font, downloads, settings.

An app is a function ``build(lang) -> widget``; :class:`AppShell` shows it under a
header with the app's title and a Japanese / English switch, and builds it again in the
chosen language when the switch moves (the app carries its own state across).
"""

from __future__ import annotations

import base64
import html
import os
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import ipywidgets as W

from ..i18n import LANGUAGES, check_language, labels, text
from ..io.resources import default_output_dir
from ..model import MaturityModel
from ..report.fonts import EMBEDDED_FAMILY, font_face_css
from ..report.html import _strings

__all__ = ["AppShell", "app_font_css", "download_link", "setting", "SETTINGS"]

#: The environment variables ``csmaturity workshop`` passes to the apps' kernels (a
#: Voilà kernel runs in the notebook's folder, so paths are absolute), with defaults.
SETTINGS = {
    "lang": ("CSMATURITY_LANG", "ja"),
    "answers_dir": ("CSMATURITY_ANSWERS_DIR", str(default_output_dir("workshop"))),
    "batch_root": ("CSMATURITY_BATCH_ROOT", str(default_output_dir("demo").parent)),
    "model": ("CSMATURITY_MODEL", ""),
}

#: Characters a person may type into a form (kana, full-width letters and digits,
#: Japanese punctuation): in the web font too, not only the kit's and model's words.
_TYPED = "".join(map(chr, [*range(0x3000, 0x3040), *range(0x3041, 0x3097), *range(0x30A0, 0x3100),
                           *range(0xFF01, 0xFF5F)]))


def setting(name: str) -> str:
    """The value of one of :data:`SETTINGS` from the environment, or its default."""
    variable, default = SETTINGS[name]
    return os.environ.get(variable) or default


def app_font_css(model: MaturityModel | None = None) -> str:
    """A ``<style>`` putting the bundled Japanese font first in every font stack of
    the page, as a web font cut down to the kit's words, the model's texts and the
    characters a person types (the same subset code as the reports): the apps show
    Japanese on a machine without a Japanese font."""
    wording = "".join(_strings(labels("ja")))
    if model is not None:
        wording += "".join(_strings(model.model_dump(mode="json"), "ja"))
    return _font_style(wording)


@lru_cache(maxsize=4)
def _font_style(wording: str) -> str:
    faces = font_face_css(wording + _TYPED, common=[wording])
    stack = f"'{EMBEDDED_FAMILY}', 'Helvetica Neue', Arial, 'Liberation Sans', sans-serif"
    # Icons (.fa) keep their own font: the rules name elements and widget classes, not *.
    return (f"<style>{faces}\n:root{{--jp-ui-font-family:{stack};--jp-content-font-family:{stack};"
            f"--jp-widgets-font-family:{stack};}}\nbody,button,input,select,textarea,.jupyter-widgets,"
            f".widget-label,.widget-html-content,.lm-TabBar-tabLabel,.jp-RenderedHTMLCommon"
            f"{{font-family:{stack};}}</style>")


def download_link(data: bytes, filename: str, label: str, mime: str) -> str:
    """An HTML link that saves ``data`` as ``filename`` in the browser (a data URI: the
    person never has to find a file on the server)."""
    uri = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
    return (f"<a download='{html.escape(filename)}' href='{uri}' class='csm-download' "
            f"style='display:inline-block;padding:4px 10px;margin:4px 8px 4px 0;border:1px solid #0173B2;"
            f"border-radius:4px;text-decoration:none;color:#0173B2'>⬇ {html.escape(label)}</a>")


class AppShell:
    """An app under a header with its title and the language switch.

    Parameters
    ----------
    title_key
        Key of the app's title in the text store.
    build
        ``build(lang)``: the app's body in that language.
    lang
        The first language.
    model
        The model whose texts the web font must carry (None: the kit's words only).
    """

    def __init__(self, title_key: str, build: Callable[[str], W.Widget], lang: str,
                 model: MaturityModel | None = None):
        self.lang = check_language(lang)
        self._build = build
        self._title_key = title_key
        self.title = W.HTML()
        self.switch = W.ToggleButtons(options=[(text("apps.language_name", code), code) for code in LANGUAGES],
                                      value=self.lang, style={"button_width": "90px"},
                                      tooltips=[text("apps.switch_language", code) for code in LANGUAGES])
        self.body = W.Box(layout=W.Layout(display="block"))
        self.switch.observe(lambda change: self.show(change["new"]), names="value")
        header = W.HBox([self.title, self.switch],
                        layout=W.Layout(justify_content="space-between", align_items="center",
                                        border_bottom="2px solid #0173B2", margin="0 0 8px 0"))
        self.widget = W.VBox([W.HTML(app_font_css(model)), header, self.body],
                             layout=W.Layout(max_width="1100px", margin="0 auto", padding="8px"))
        self.show(self.lang)

    def show(self, lang: str) -> None:
        """Build the app in ``lang`` (what the switch does)."""
        self.lang = check_language(lang)
        body = self._build(lang)  # the title changes with the body, not a second before it
        self.title.value = f"<h2 style='margin:4px 0'>{html.escape(text(self._title_key, lang))}</h2>"
        self.body.children = [body]
        if self.switch.value != lang:
            self.switch.value = lang

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = f"{text(self._title_key, 'en')} ({self.lang})"
        return bundle


def answers_folder() -> Path:
    """The folder the intake app saves into (created when first written)."""
    return Path(setting("answers_dir")).expanduser().resolve()
