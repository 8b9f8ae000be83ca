"""The intake app: the questionnaire form, the what-if panel following it live, upload
of an answers file or a filled intake workbook, and downloads of the saved answers
and of the report."""

from __future__ import annotations

import html
import tempfile
import time
from pathlib import Path

import ipywidgets as W

from ..answers import ClientAnswers, load_answers, parse_answers
from ..errors import AnswersError, CsMaturityError, Problem, ValidationFailed
from ..i18n import text
from ..intake import answers_yaml, read_intake
from ..io.files import safe_name
from ..io.yamlfile import read_yaml_file
from ..model import MaturityModel, load_model
from ..report.build import build_report
from ..respondents import ANSWERS_SUFFIXES
from ..widgets import QuestionnaireForm, WhatIfPanel
from ..widgets.form import problems_html
from .shell import AppShell, answers_folder, download_link, setting

__all__ = ["IntakeApp", "intake_app"]

#: What the upload accepts: answers files and filled intake workbooks.
_ACCEPT = ",".join([*ANSWERS_SUFFIXES, ".xlsx"])
#: The largest upload read, in MB: an answers file is a few KB, a filled workbook
#: some 100 KB; reading a bigger file would only keep the app busy.
MAX_UPLOAD_MB = 5


def _refusal(name: str, size: int, lang: str) -> str | None:
    """Why an upload is not even read, in ``lang`` (None when it may be): not a
    ``.yaml``, ``.yml`` or ``.xlsx`` file, or larger than :data:`MAX_UPLOAD_MB`."""
    shown = Path(name).name
    if Path(name).suffix.lower() not in _ACCEPT.split(","):
        return text("apps.intake.upload_type", lang, file=shown)
    if size > MAX_UPLOAD_MB * 2**20:
        return text("apps.intake.upload_too_big", lang, file=shown, size=f"{size / 2**20:.1f}", limit=MAX_UPLOAD_MB)
    return None


class IntakeApp:
    """The intake and what-if of one client, in either language.

    ``form`` and ``panel`` are the current :class:`QuestionnaireForm` and
    :class:`WhatIfPanel` (rebuilt when the language changes, the answers carried
    across); ``upload`` takes a file; ``downloads`` shows the links after a save.
    """

    def __init__(self, model: MaturityModel, folder: Path, answers: ClientAnswers | None = None):
        self.model = model
        self.folder = folder
        self.form: QuestionnaireForm | None = None
        self.panel: WhatIfPanel | None = None
        self._first = answers
        self.saved: Path | None = None

    def build(self, lang: str) -> W.Widget:
        """The app's body in ``lang``: the same client as before the switch."""
        state = self.form.state() if self.form is not None else None
        form = QuestionnaireForm(self.model, lang, answers=self._first, path=self.folder / "client.yaml",
                                 folder=self.folder)
        if state is not None:
            form.restore(state)
        self.form, self._first = form, None
        self.panel = WhatIfPanel(self.model, form.working_answers(), lang)
        self.panel.follow(form)
        self.upload = W.FileUpload(accept=_ACCEPT, multiple=False, description=text("apps.intake.upload", lang),
                                   layout=W.Layout(width="auto"))
        self.upload.observe(lambda _change: self._on_upload(), names="value")
        self.upload_status = W.HTML()
        self.downloads = W.HTML()
        self.report_button = W.Button(description=text("apps.intake.make_report", lang), icon="file-text",
                                      disabled=self.saved is None, layout=W.Layout(width="auto"))
        self.report_button.on_click(lambda _: self._on_report())
        form.save_button.on_click(lambda _: self._after_save())  # runs after the form's own save
        for control in (form.client_inputs["id"], form.respondent_inputs["id"]):
            control.observe(lambda _change: self._name_file(), names="value")
        self._name_file()
        if self.saved is not None:
            self._offer_downloads()
        help_text = text("apps.intake.help", lang, folder=self.folder)
        opening = W.VBox([W.HTML(f"<p>{html.escape(help_text)}</p>"),
                          W.HBox([self.upload, W.HTML(f"<small>{html.escape(text('apps.intake.upload_hint', lang))}"
                                                      "</small>")], layout=W.Layout(align_items="center")),
                          self.upload_status])
        files = W.VBox([self.report_button, self.downloads])
        tabs = W.Tab(children=[W.VBox([opening, form.widget, files]), self.panel.widget],
                     titles=(text("apps.intake.tab_form", lang), text("apps.intake.tab_whatif", lang)))
        return tabs

    # ------------------------------------------------------------------ files

    def _name_file(self) -> None:
        """Save as ``<client id>.yaml`` (``<client id>/<respondent id>.yaml`` for one of
        several respondents) in the app's folder."""
        form = self.form
        client = safe_name(form.client_inputs["id"].value.strip() or "client", "client")
        who = form.respondent_inputs["id"].value.strip()
        form.path.value = str(self.folder / client / f"{safe_name(who, 'respondent')}.yaml" if who
                              else self.folder / f"{client}.yaml")

    def load_file(self, name: str, content: bytes) -> ClientAnswers:
        """Read an uploaded answers YAML or filled intake workbook into the form, through
        the kit's readers; a problem names the file and the field.

        Raises
        ------
        AnswersError
            When the file is not a valid answers file or intake workbook, or is not
            a ``.yaml``, ``.yml`` or ``.xlsx`` file, or is larger than
            :data:`MAX_UPLOAD_MB`.
        """
        refused = _refusal(name, len(content), "en")
        if refused:
            raise AnswersError([Problem(Path(name).name, "", refused)])
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / safe_name(Path(name).name, "upload")
            path.write_bytes(content)
            if path.suffix.lower() == ".xlsx":
                answers = read_intake(path, self.model, allow_blank=True)
            else:
                data, problems = read_yaml_file(path)
                if problems:
                    raise AnswersError(problems)
                # the data tables it names stay behind on the machine it came from; the
                # form neither shows nor saves them
                data.pop("data", None) if isinstance(data, dict) else None
                answers = parse_answers(data, self.model, file=Path(name).name)
        self.form.fill(answers)
        return answers

    def _on_upload(self) -> None:
        lang = self.form.lang
        if not self.upload.value:
            return
        item = self.upload.value[0]
        refused = _refusal(item["name"], len(item["content"]), lang)
        try:
            if refused:
                self.upload_status.value = f"<div style='color:#B00020'>{html.escape(refused)}</div>"
                return
            self.load_file(item["name"], bytes(item["content"]))
        except ValidationFailed as exc:
            errors = [p for p in exc.problems if p.severity == "error"]
            self.upload_status.value = problems_html(lang, "not_loaded", errors, self.form.field_names,
                                                     file=item["name"])
        else:
            self.upload_status.value = ("<span style='color:#029E73'>"
                                        f"{html.escape(text('widgets.loaded', lang, path=item['name']))}</span>")
        finally:
            self.upload.value = ()  # the same file may be chosen again after a fix

    def _after_save(self) -> None:
        path = Path(self.form.path.value)
        if "029E73" in self.form.status.value and path.is_file():  # the form's save succeeded
            self.saved = path
            self.report_button.disabled = False
            self._offer_downloads()

    def _offer_downloads(self, report: Path | None = None) -> None:
        lang = self.form.lang
        try:
            answers = load_answers(self.saved, self.model)
        except ValidationFailed as exc:  # changed or removed on the server since it was saved
            self.report_button.disabled = True
            self.downloads.value = problems_html(lang, "not_loaded", [p for p in exc.problems if p.severity == "error"],
                                                 self.form.field_names, file=self.saved.name)
            return
        links = [download_link(answers_yaml(self.model, answers).encode("utf-8"), self.saved.name,
                               text("apps.intake.download_answers", lang, file=self.saved.name),
                               "application/x-yaml")]
        if report is not None:
            links.append(download_link(report.read_bytes(), report.name,
                                       text("apps.intake.download_report", lang, file=report.name), "text/html"))
        self.downloads.value = "".join(links)

    def _on_report(self) -> None:
        """What the report button does: the report, or why it could not be made."""
        lang = self.form.lang
        try:
            self.make_report()
        except ValidationFailed as exc:
            self.downloads.value = problems_html(lang, "not_reported",
                                                 [p for p in exc.problems if p.severity == "error"],
                                                 self.form.field_names, file=self.saved.name)
        except (CsMaturityError, OSError) as exc:
            words = text("widgets.not_reported", lang)
            self.downloads.value = f"<div style='color:#B00020'>{html.escape(words)} {html.escape(str(exc))}</div>"

    def make_report(self) -> Path | None:
        """Write the HTML report of the saved answers (beside them, in ``reports/``) and
        offer it for download; the time it took is shown. Errors are raised (the
        button shows them: :meth:`_on_report`)."""
        lang = self.form.lang
        if self.saved is None:
            return None
        self.downloads.value = html.escape(text("apps.intake.making_report", lang))
        start = time.perf_counter()
        outputs = build_report(self.saved, out_dir=self.folder / "reports", lang=lang, formats=("html",))
        report = Path(outputs.html)
        self._offer_downloads(report)
        made = text("apps.intake.report_made", lang, seconds=f"{time.perf_counter() - start:.1f}")
        self.downloads.value += f"<small>{html.escape(made)}</small>"
        return report


def intake_app(lang: str | None = None, answers_dir: str | Path | None = None, client: str | Path | None = None,
               model: MaturityModel | str | Path | None = None) -> AppShell:
    """The intake app, ready to display (what ``csmaturity workshop intake`` serves).

    Parameters
    ----------
    lang
        First language (default: the ``CSMATURITY_LANG`` setting, else ``ja``).
    answers_dir
        Folder the answers are saved into (default: ``CSMATURITY_ANSWERS_DIR``, else
        ``out/workshop``).
    client
        An answers file to open in the form.
    model
        The maturity model or its file (default: ``CSMATURITY_MODEL``, else the shipped one).
    """
    if not isinstance(model, MaturityModel):
        model = load_model(model or setting("model") or None)
    folder = Path(answers_dir).expanduser().resolve() if answers_dir else answers_folder()
    first = load_answers(client, model) if client else None
    app = IntakeApp(model, folder, first)
    return AppShell("apps.intake.title", app.build, lang or setting("lang"), model)

