"""The executed diagnosis notebook as an offline HTML audit trail, and running it.

nbconvert's default ``lab`` HTML template loads require.js, MathJax and Mermaid from a
CDN, and the widget manager from unpkg when a notebook has widget state (nbconvert
issues #754 and #1770). Setting their URL options to "" still leaves empty
``<script src="">`` tags, so the exporter here uses a template that extends ``lab``
with those blocks removed, hides code cells (``exclude_input``) and embeds images and,
like the report, a subset of the Japanese font: the file opens offline, makes no
request and shows Japanese text on a machine without a Japanese font.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import require_module
from ..io.files import atomic_path, atomic_write
from ..io.resources import shipped_path
from ..report.fonts import EMBEDDED_FAMILY, font_face_css
from ..report.html import FONT_CSS_MARKER

if TYPE_CHECKING:
    from nbconvert import HTMLExporter

    from .kernel import KeptKernel

__all__ = ["export_audit_html", "audit_exporter", "run_diagnosis_notebook", "OFFLINE_TEMPLATE", "default_notebook"]

#: An nbconvert template: the lab look without any script or style fetched from a CDN,
#: the report's embedded Japanese font put first in the lab font stacks (the marker is
#: replaced by the font once the page text is known), and A4 paper when printed.
OFFLINE_TEMPLATE = """\
{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_css -%}
<style type="text/css">
FONT_CSS_MARKER
:root {
  --jp-ui-font-family: 'EMBEDDED', system-ui, -apple-system, 'Segoe UI', helvetica, arial, sans-serif;
  --jp-content-font-family: 'EMBEDDED', system-ui, -apple-system, 'Segoe UI', helvetica, arial, sans-serif;
  --jp-code-font-family: menlo, consolas, 'DejaVu Sans Mono', 'EMBEDDED', monospace;
}
@page { size: A4; margin: 14mm 13mm 17mm; }  /* every page of the kit prints on A4 */
</style>
{%- endblock html_head_css -%}
""".replace("FONT_CSS_MARKER", FONT_CSS_MARKER).replace("EMBEDDED", EMBEDDED_FAMILY)


def default_notebook() -> Path:
    """The diagnosis notebook: ``csmaturity/notebooks`` in a wheel that ships it, else
    ``notebooks/diagnosis.ipynb`` of the repository."""
    return shipped_path("notebooks/diagnosis.ipynb")


@lru_cache(maxsize=1)
def audit_exporter() -> HTMLExporter:
    """The audit exporter, built once per process (it loads and compiles its templates)."""
    from jinja2 import DictLoader

    nbconvert = require_module("nbconvert", "nbconvert (it exports the audit HTML)", "pip install nbconvert")
    return nbconvert.HTMLExporter(
        extra_loaders=[DictLoader({"csmaturity_offline.html.j2": OFFLINE_TEMPLATE})],
        template_file="csmaturity_offline.html.j2",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )


def export_audit_html(notebook: str | Path, html_path: str | Path, *, common: Sequence[str] = ()) -> Path:
    """Export an executed notebook to offline HTML without code cells, atomically.

    ``common``: wordings many audits share, whose font subsets are then reused (see
    :func:`csmaturity.report.fonts.font_face_css`).
    """
    nbformat = require_module("nbformat", "nbformat (it reads the executed notebook)", "pip install nbformat")
    body, _ = audit_exporter().from_notebook_node(nbformat.read(str(notebook), as_version=4))
    return atomic_write(html_path, body.replace(FONT_CSS_MARKER, font_face_css(body, common=common)))


def run_diagnosis_notebook(
    client_file: str | Path,
    output_dir: str | Path,
    *,
    notebook: str | Path | None = None,
    timeout: int = 300,
    kernel: KeptKernel | None = None,
    **parameters: Any,
) -> dict[str, Path]:
    """Execute the diagnosis notebook with papermill for one client (an answers file, or
    a client folder of several respondents' files); export its audit HTML.

    ``parameters`` are the notebook's other parameters (``lang``, ``model_file``,
    ``accounts_file``, ``portfolio_paths``…; None becomes "", meaning not given). Writes
    ``<id>.<lang>.diagnosis.ipynb`` and ``<id>.<lang>.audit.html`` beside the report
    files the notebook writes, and returns all their paths (keys ``notebook``,
    ``audit_html``, ``results_json``, ``plan_csv``, ``plan_xlsx`` and one per report
    format: ``html`` and ``xlsx`` unless the ``formats`` parameter, comma-separated,
    names others). On a failing cell papermill
    raises ``PapermillExecutionError`` and the partly executed notebook is kept as
    ``<id>.<lang>.diagnosis.failed.ipynb``. ``kernel`` runs the notebook on a kept
    kernel (see :mod:`csmaturity.notebook.kernel`) instead of starting a new one.
    """
    pm = require_module("papermill", "papermill (it runs the diagnosis notebook)", "pip install papermill")
    from jupyter_client.kernelspec import NoSuchKernel

    from ..errors import AnswersError, Problem
    from ..io.yamlfile import read_yaml_file
    from ..report.build import DEFAULT_FORMATS, check_engines, check_formats, report_paths
    from ..report.html import shared_wording
    from ..report.results import cached_model
    from ..respondents import NO_ANSWERS_FILES, client_files

    kinds = check_formats(str(parameters["formats"]).split(",") if parameters.get("formats") else DEFAULT_FORMATS)
    check_engines(kinds)  # here, not in a notebook cell
    # A client folder (several respondents) is named by its files' client block.
    first = next(iter(client_files(client_file)), None) if Path(client_file).is_dir() else client_file
    if first is None:
        raise AnswersError([Problem(str(client_file), "", NO_ANSWERS_FILES)])
    data, problems = read_yaml_file(first)
    if problems:
        raise AnswersError(problems)
    client = data.get("client") or {}
    lang = parameters.get("lang") or client.get("language") or "en"
    out = Path(output_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    paths = report_paths(str(client.get("id") or Path(client_file).stem), lang, out)
    stem = paths.html.name.removesuffix(".report.html")
    executed = out / f"{stem}.diagnosis.ipynb"
    # The kernel runs in the output folder: file parameters (``*_file``, and
    # ``*_paths`` joined by os.pathsep) are made absolute first.
    params: dict[str, Any] = {"client_file": str(Path(client_file).resolve()), "output_dir": str(out)}
    for key, value in parameters.items():
        if isinstance(value, (int, float)):
            params[key] = value
            continue
        given = "" if value is None else str(value)
        if given and key.endswith("_file"):
            given = str(Path(given).resolve())
        elif key.endswith("_paths"):
            given = os.pathsep.join(str(Path(part).resolve()) for part in given.split(os.pathsep) if part)
        params[key] = given
    source = Path(notebook or default_notebook())
    with atomic_path(executed) as tmp:
        try:
            if kernel is not None:
                kernel.execute_notebook(source, tmp, parameters=params, cwd=out, timeout=timeout)
            else:
                pm.execute_notebook(str(source), str(tmp), parameters=params, kernel_name="python3",
                                    progress_bar=False, cwd=str(out), execution_timeout=timeout)
        except pm.PapermillExecutionError:
            # Keep the partly executed notebook (with papermill's error banner) as evidence.
            atomic_write(out / f"{stem}.diagnosis.failed.ipynb", tmp.read_bytes())
            raise
        except NoSuchKernel as exc:
            from .kernel import missing_kernel

            raise missing_kernel("python3", str(exc)) from exc
    # The notebook's own text (headings, explanations) is the same for every client.
    common = [source.read_text(encoding="utf-8"), shared_wording(cached_model(params.get("model_file") or None), lang)]
    audit = export_audit_html(executed, out / f"{stem}.audit.html", common=common)
    written = report_paths(str(client.get("id") or Path(client_file).stem), lang, out, kinds).written()
    return {"notebook": executed, "audit_html": audit, **written}
