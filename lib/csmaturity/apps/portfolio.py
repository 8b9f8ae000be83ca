"""The portfolio view: pick a batch folder from those found, see the clients side by side."""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as W
import pandas as pd

from ..errors import Problem, ValidationFailed
from ..i18n import labels, text
from ..model import MaturityModel, load_model
from ..plotting.export import figure_svg
from ..portfolio import read_portfolio
from ..portfolio.report import PortfolioSummary, portfolio_figures, summarise_portfolio
from ..report.context import svg_data_uri
from ..report.formatting import fmt_percent
from ..widgets.whatif import TABLE_CSS
from .shell import AppShell, setting

__all__ = ["batch_folders", "PortfolioApp", "portfolio_app"]

#: What ``csmaturity batch`` writes at the top of its output folder.
BATCH_MARKERS = ("batch_summary.csv", "portfolio.csv")


def batch_folders(root: str | Path, depth: int = 3) -> list[Path]:
    """Folders under ``root`` (``root`` itself included, ``depth`` levels down) that
    hold clients' results files: a batch's output folder (its clients' results sit in
    a folder each) counts once, as the batch; a folder of results files elsewhere
    (reports written one by one into a folder) counts as itself."""
    base = Path(root)
    if not base.is_dir():
        return []
    results = {p.parent for level in range(depth + 2)
               for p in base.glob("/".join(["*"] * level + ["*.results.json"]))}
    found = set()
    for folder in results:
        batch = next((f for f in (folder, *folder.parents)
                      if any((f / marker).is_file() for marker in BATCH_MARKERS)
                      and (f == base or base in f.parents)), None)
        found.add(batch or folder)
    return sorted(found)


class PortfolioApp:
    """The folder menu and the view of the chosen batch."""

    def __init__(self, model: MaturityModel, root: Path):
        self.model = model
        self.root = root
        self.folder: Path | None = None

    def build(self, lang: str) -> W.Widget:
        folders = batch_folders(self.root)
        if not folders:
            return W.HTML(f"<p>{html.escape(text('apps.portfolio.none_found', lang, root=self.root))}</p>")
        demo = self.root / "demo"
        self.folder = self.folder if self.folder in folders else demo if demo in folders else folders[0]
        self.menu = W.Dropdown(options=[(str(f.relative_to(self.root)) if f != self.root else ".", f)
                                        for f in folders], value=self.folder,
                               description=text("apps.portfolio.folder", lang), style={"description_width": "auto"},
                               layout=W.Layout(width="520px"))
        self.view = W.HTML()
        self.menu.observe(lambda change: self.show(change["new"], lang), names="value")
        self.show(self.folder, lang)
        return W.VBox([self.menu, self.view])

    def show(self, folder: Path, lang: str) -> None:
        """Summarise the batch in ``folder`` into the view."""
        self.folder = folder
        skipped: list[Problem] = []
        try:
            results = read_portfolio([folder], skipped=skipped)
            summary = summarise_portfolio(results, self.model, lang) if results else None
        except ValidationFailed as exc:
            self.view.value = f"<pre style='color:#B00020'>{html.escape(str(exc))}</pre>"
            return
        # A damaged results file is named and left out; the rest of the batch is shown.
        note = "".join(f"<p style='color:#B00020'>{html.escape(text('apps.portfolio.skipped', lang, file=p.file))}"
                       f"</p>" for p in skipped)
        if summary is None:
            self.view.value = note
            return
        L = labels(lang)["portfolio"]
        figures = portfolio_figures(summary, self.model, lang)
        chart = "".join(f"<h4>{html.escape(title)}</h4><img style='max-width:100%' "
                        f"src='{svg_data_uri(figure_svg(figures[name]))}'>"
                        for name, title in (("levels", L["levels"]),
                                            ("heatmap", L["heatmap_segments"] if summary.scores_by_segment
                                             else L["heatmap"])))
        gaps = _gaps_table(summary, self.model, lang).to_html(classes="csm-table", index=False, border=0)
        count = text("apps.portfolio.clients", lang, n=len(summary.table))
        self.view.value = (f"{TABLE_CSS}{note}<p><b>{html.escape(count)}</b></p>{chart}"
                           f"<h4>{html.escape(L['gaps_note'])}</h4>{gaps}")


def _gaps_table(summary: PortfolioSummary, model: MaturityModel, lang: str) -> pd.DataFrame:
    """The ten most common gaps in words: question, dimension, clients, share."""
    L = labels(lang)
    names = {d.id: d.name.get(lang) for d in model.dimensions}
    gaps = summary.gaps.head(10)
    return pd.DataFrame({L["portfolio"]["question"]: gaps["question"].to_numpy(),
                         L["columns"]["dimension"]: gaps["dimension"].map(names).to_numpy(),
                         L["portfolio"]["count"]: gaps["clients"].to_numpy(),
                         L["portfolio"]["share"]: [fmt_percent(v) for v in gaps["share"]]})


def portfolio_app(lang: str | None = None, root: str | Path | None = None,
                  model: MaturityModel | str | Path | None = None) -> AppShell:
    """The portfolio view, ready to display (what ``csmaturity workshop portfolio`` serves).
    ``root`` is searched for batch folders (default: the ``CSMATURITY_BATCH_ROOT``
    setting, else ``out/``, where ``make demo`` writes ``out/demo``)."""
    if not isinstance(model, MaturityModel):
        model = load_model(model or setting("model") or None)
    app = PortfolioApp(model, Path(root or setting("batch_root")).expanduser().resolve())
    return AppShell("apps.portfolio.title", app.build, lang or setting("lang"), model)
