"""Diagnose many clients at once: parallel, fault-isolated, resumable.

A client is an answers file, or a client folder of several respondents' files
(:func:`expand_client_paths` tells them apart); a folder is one client, and resuming
hashes every respondent's file.

Layout of a batch folder ``OUT``::

    OUT/<client>/          the client's report (HTML, Excel, results JSON; PDF and deck
                           when asked); with the papermill engine also the executed
                           notebook and its HTML
    OUT/logs/<client>.log  what happened, with the traceback of a failure
    OUT/logs/kernel-*.log  papermill engine: what each kept kernel process printed
    OUT/state/<client>.json  the hash of the inputs behind the last good report
    OUT/batch_summary.csv  one row per client: status, seconds, score, error
    OUT/portfolio_input.json  with ``portfolio``: the results the clients are ranked among

Each client runs in a worker process (or a Dask worker) and returns a
:class:`ClientOutcome`; an exception, even a crashed worker, fails that client only.
With ``workers=1`` the clients run one after another in the calling process: no
worker to start, the same outcomes, logs, state and summary; an exception still
fails its client only, but a crash of the process ends the batch.
Reports are written atomically, so an interrupted batch leaves no half-written
report, and ``resume=True`` skips clients whose inputs, model and kit version match
the state of their last good report.
"""

from __future__ import annotations

import concurrent.futures as cf
import gc
import hashlib
import json
import logging
import multiprocessing
import os
import signal
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from .._version import __version__
from ..assessment import input_hash
from ..errors import AnswersError, CsMaturityError, ValidationFailed, require_module
from ..io.files import atomic_write, no_link_out, output_name_problems, safe_name
from ..io.resources import default_output_dir, sample_path, shipped_path
from ..io.sheets import csv_text
from ..io.yamlfile import read_yaml_file
from ..model import load_model
from ..portfolio import DEFAULT_MIN_GROUP, load_results, rank_portfolio, read_portfolio
from ..respondents import client_files as answers_in_folder
from ..respondents import load_client

if TYPE_CHECKING:
    from ..notebook.kernel import KeptKernel

__all__ = ["Engine", "ClientJob", "ClientOutcome", "BatchResult", "run_client", "run_batch", "expand_client_paths",
           "demo_batch", "NOTEBOOK"]

Engine = Literal["papermill", "direct"]
NOTEBOOK = shipped_path("notebooks/diagnosis.ipynb")
#: A client still running after this many seconds is stopped and failed.
DEFAULT_CLIENT_TIMEOUT = 600.0
#: Names of the batch's own files and folders at the top of OUT: no client may have them.
BATCH_NAMES = ("logs", "state", "batch_summary.csv", "portfolio_input.json", "portfolio.csv",
               "portfolio_percentiles.csv", "portfolio.xlsx", "portfolio.html", "portfolio.pdf")


@dataclass(frozen=True, kw_only=True)
class ClientJob:
    """What one worker needs to diagnose one client (picklable: it crosses processes)."""

    #: The client's answers file, or its folder of several respondents' files.
    client_file: str
    out_dir: str
    engine: Engine = "direct"
    lang: str | None = None
    model_file: str | None = None
    resume: bool = False
    notebook: str = str(NOTEBOOK)
    #: The portfolio the client is ranked among: a snapshot taken before the batch.
    portfolio_file: str | None = None
    #: The profile field (or industry) clients are ranked within; None: the model's default.
    portfolio_segment: str | None = None
    portfolio_min_group: int = DEFAULT_MIN_GROUP
    #: Seconds after which the client is stopped and failed (None: no limit).
    timeout: float | None = DEFAULT_CLIENT_TIMEOUT
    #: The report formats written (the results JSON always is).
    formats: tuple[str, ...] = ("html", "xlsx")
    #: The branding YAML applied to every format (None: the kit's look).
    branding_file: str | None = None
    #: What prints the PDF (see :data:`csmaturity.report.pdf.PDF_ENGINES`).
    pdf_engine: str = "weasyprint"


@dataclass(kw_only=True)
class ClientOutcome:
    """What became of one client: its status, timing, score and output files."""

    client_file: str
    key: str
    status: Literal["ok", "failed", "skipped"]
    seconds: float = 0.0
    client_id: str | None = None
    overall: float | None = None
    level: str | None = None
    error: str | None = None
    outputs: dict[str, str] = field(default_factory=dict)
    results_json: str | None = None


@dataclass
class BatchResult:
    outcomes: list[ClientOutcome]
    out_dir: Path
    seconds: float

    @property
    def failed(self) -> list[ClientOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    def summary(self) -> pd.DataFrame:
        rows = [{k: v for k, v in asdict(o).items() if k not in ("outputs",)} for o in self.outcomes]
        return pd.DataFrame(rows).set_index("key")


def expand_client_paths(items: Iterable[str | Path]) -> list[Path]:
    """The clients named on the command line, each once: a file is a client (one
    respondent); a client folder -- every answers file (``*.yaml``, ``*.yml``) in it
    names its respondent -- is one client (several respondents); any other folder
    holds clients: its answers files and its sub-folders that hold some, each one
    client."""
    paths: list[Path] = []
    for item in map(Path, items):
        if not item.is_dir():
            paths.append(item)
        elif is_client_folder(item):
            paths.append(item)
        else:
            folders = [d for d in item.iterdir() if d.is_dir() and answers_in_folder(d)]
            paths.extend(sorted([*answers_in_folder(item), *folders]))
    return paths


def is_client_folder(folder: str | Path) -> bool:
    """Whether a folder is one client's (its answers files, at least one, all with a
    ``respondent`` block) rather than a folder of clients. Reads files until one has no
    respondent block: a folder of clients costs one read."""
    files = answers_in_folder(folder)
    for path in files:
        data, problems = read_yaml_file(path)
        if problems or not isinstance(data, dict) or not isinstance(data.get("respondent"), dict):
            return False
    return bool(files)


def warm_up(engine: Engine = "direct", model_file: str | None = None) -> None:
    """Pay the start-up work once per worker: imports, model parsing, fonts, templates.

    With the papermill engine this process only drives the notebooks; the kernel that
    runs them is kept and warmed the same way (see :func:`_kept_kernel`).
    """
    from ..report import cached_model
    from ..report.html import environment

    cached_model(model_file)
    environment()
    if engine == "direct":
        import matplotlib.figure  # noqa: F401

        from ..plotting import charts  # noqa: F401
        from ..plotting.style import theme_rc

        theme_rc()  # registers the Japanese font
    else:
        from ..notebook.audit import audit_exporter
        from ..notebook.kernel import KeptKernel  # noqa: F401 - imports papermill and nbclient

        audit_exporter()
    # What the warm-up loaded lives as long as the worker. Frozen, it is no longer walked
    # by every full collection of a client's garbage (measured: 40 ms of ~450 per client).
    gc.collect()
    gc.freeze()


def _init_worker(engine: Engine, model_file: str | None) -> None:
    """A pool worker: Ctrl-C is the parent's to handle (it cancels the clients not yet
    started and lets the running ones finish), so a worker never dies half-way
    through a client; then the warm-up."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    warm_up(engine, model_file)


_kernels = threading.local()


def _kept_kernel(model_file: str | None, log_dir: Path) -> KeptKernel:
    """This thread's kept kernel (a Dask worker runs several clients at once, one per
    thread), warmed like a direct worker and started on its first notebook; what the
    kernel process prints goes to ``log_dir/kernel-<pid>-<thread>.log``."""
    from ..notebook.kernel import KeptKernel

    kernel = getattr(_kernels, "kernel", None)
    if kernel is None:
        warm = f"from csmaturity.batch.run import warm_up\nwarm_up('direct', {model_file!r})"
        stderr = log_dir / f"kernel-{os.getpid()}-{threading.get_ident()}.log"
        # A browser the notebooks printed PDFs with is closed before the kernel stops:
        # closed at the kernel's own exit, it leaves its profile in the temporary folder.
        closing = "from csmaturity.report.pdf import close_pdf_engines\nclose_pdf_engines()"
        kernel = _kernels.kernel = KeptKernel(warm_code=warm, closing_code=closing, stderr_file=stderr)
    return kernel


def _logger(out_dir: Path, key: str) -> logging.Logger:
    """The client's log, ``OUT/logs/<key>.log``; a log that cannot be written (a
    read-only folder) is skipped: the outcome still carries the error."""
    log = logging.getLogger(f"csmaturity.batch.{key}")
    for handler in log.handlers:
        handler.close()
    log.handlers.clear()
    log.propagate = False
    log.setLevel(logging.INFO)
    path = no_link_out(out_dir, out_dir / "logs" / f"{key}.log")
    try:
        handler: logging.Handler = logging.FileHandler(path, mode="a", encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    return log


class ClientTimeout(Exception):
    """A client ran longer than its job's ``timeout``."""


@contextmanager
def _time_limit(seconds: float | None) -> Iterator[None]:
    """Raise :class:`ClientTimeout` in this thread after ``seconds``. A process pool's
    worker and the command line run clients on their main thread, where a timer
    signal can interrupt any Python code and any blocking read (a named pipe given as
    a data file, say); elsewhere (a Dask thread) there is no limit."""
    if not seconds or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGALRM"):
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise ClientTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _started_marker(out_dir: Path, client_file: str) -> Path:
    """A file that exists while ``client_file`` runs: after a worker crash, the clients
    with a marker left were running when it died, the others are innocent."""
    return out_dir / "state" / ".started" / hashlib.sha256(client_file.encode("utf-8")).hexdigest()[:20]


def _file_check(path: str) -> list[Any]:
    data = Path(path).read_bytes()
    return [len(data), hashlib.sha256(data).hexdigest()]


def _state_path(out_dir: Path, key: str) -> Path:
    return out_dir / "state" / f"{key}.json"


def run_client(job: ClientJob) -> ClientOutcome:
    """Diagnose one client; never raises for a problem of that client."""
    started = time.perf_counter()
    out_dir = Path(job.out_dir)
    key = safe_name(Path(job.client_file).stem)
    outcome = ClientOutcome(client_file=job.client_file, key=key, status="failed")
    logs = [logging.getLogger("csmaturity.batch")]  # the last is the client's log, once open
    marker = _started_marker(out_dir, job.client_file)
    try:
        with suppress(OSError):  # a read-only folder: no crash attribution, nothing else lost
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.touch()
        with _time_limit(job.timeout):
            logs.append(_logger(out_dir, key))
            outcome.outputs = _diagnose(job, out_dir, outcome, logs)
    except ValidationFailed as exc:
        outcome.error = str(exc)
        logs[-1].error("invalid input:\n%s", exc)
    except ClientTimeout:
        outcome.error = f"stopped after {job.timeout:g} s (the client timeout); its earlier report, if any, is kept"
        logs[-1].error("%s", outcome.error)
    except CsMaturityError as exc:
        outcome.error = str(exc)
        logs[-1].error("failed: %s", exc)
    except OSError as exc:  # a full disk, a read-only or vanished folder: the path is in the message
        outcome.error = f"{type(exc).__name__}: {exc}"
        logs[-1].error("cannot write: %s", exc)
    except Exception as exc:  # one client's failure must not stop the batch
        outcome.error = f"{type(exc).__name__}: {exc}"
        logs[-1].error("failed:\n%s", traceback.format_exc())
    finally:
        marker.unlink(missing_ok=True)
    outcome.seconds = time.perf_counter() - started
    for log in logs[1:]:
        for handler in log.handlers:
            handler.close()
    return outcome


def _diagnose(job: ClientJob, out_dir: Path, outcome: ClientOutcome, logs: list[logging.Logger]) -> dict[str, str]:
    """The work of :func:`run_client`: read, skip when unchanged, else report; fills
    ``outcome``, appends the client's log named by its id to ``logs`` and returns the
    output files."""
    from ..report import cached_model

    model = cached_model(job.model_file)
    answers = load_client(job.client_file, model)  # a client folder: every respondent's file
    outcome.client_id = answers.client.id
    key = outcome.key = safe_name(answers.client.id)
    if key != safe_name(Path(job.client_file).stem):
        logs.append(_logger(out_dir, key))
    log = logs[-1]
    state_path = no_link_out(out_dir, _state_path(out_dir, key))
    branding = [job.branding_file, *_logo_file(job.branding_file)] if job.branding_file else []
    digest = input_hash(model, answers, [*answers.data_files.values(), *filter(None, [job.portfolio_file]), *branding])
    state = {"input_hash": digest, "model": model.ref, "kit_version": __version__, "engine": job.engine,
             "lang": job.lang, "formats": list(job.formats),
             **({"pdf_engine": job.pdf_engine} if "pdf" in job.formats else {}),
             "portfolio": [job.portfolio_segment, job.portfolio_min_group] if job.portfolio_file else None}
    previous = _read_state(state_path)
    if job.resume and previous and {k: previous.get(k) for k in state} == state and _outputs_intact(previous):
        log.info("unchanged since the last good report: skipped")
        outcome.status = "skipped"
        outputs = previous["outputs"]
    else:
        log.info("start %s (engine %s)", job.client_file, job.engine)
        client_dir = no_link_out(out_dir, out_dir / key)
        # A worker killed while writing leaves its temporary file; this client's
        # folder is written by this client only, so the leftovers can go.
        for stale in client_dir.glob(".*.part*"):
            stale.unlink(missing_ok=True)
        runner = _run_papermill if job.engine == "papermill" else _run_direct
        outputs = runner(job, client_dir)
        checks = {path: _file_check(path) for path in outputs.values()}
        atomic_write(state_path, json.dumps({**state, "outputs": outputs, "checks": checks}, ensure_ascii=False,
                                            indent=2))
        outcome.status = "ok"
        log.info("done: %s", outputs)
    outcome.results_json = outputs.get("results_json")
    if outcome.results_json:
        summary = json.loads(Path(outcome.results_json).read_text(encoding="utf-8"))
        outcome.overall, outcome.level = summary["overall"], summary["level"]["id"]
    return outputs


def _read_state(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None


def _outputs_intact(state: dict[str, Any]) -> bool:
    """Whether every output the state records is there with the size and SHA-256 it
    had when written (a truncated, emptied or replaced report is made again)."""
    outputs, checks = state.get("outputs") or {}, state.get("checks") or {}
    try:
        return bool(outputs) and all(checks.get(p) == _file_check(p) for p in outputs.values())
    except OSError:
        return False


@lru_cache(maxsize=2)
def _portfolio_at(path: str, mtime_ns: int) -> list[dict[str, Any]]:
    return load_results([path])


def _logo_file(branding_file: str) -> list[str]:
    """The logo a branding file names (its changes make the reports out of date)."""
    from ..report.branding import load_branding

    logo = load_branding(branding_file).logo
    return [] if logo is None else [str(logo)]


def _run_direct(job: ClientJob, client_dir: Path) -> dict[str, str]:
    from ..report import build_report

    # Read once per worker, not once per client.
    portfolio = None
    if job.portfolio_file:
        portfolio = _portfolio_at(job.portfolio_file, Path(job.portfolio_file).stat().st_mtime_ns)
    written = build_report(job.client_file, out_dir=client_dir, lang=job.lang, model_file=job.model_file,
                           portfolio=portfolio, portfolio_segment=job.portfolio_segment,
                           portfolio_min_group=job.portfolio_min_group, formats=job.formats,
                           branding=job.branding_file, pdf_engine=job.pdf_engine)
    return {k: str(v) for k, v in written.written().items()}


def _run_papermill(job: ClientJob, client_dir: Path) -> dict[str, str]:
    from ..notebook import run_diagnosis_notebook

    # On a failing cell the partly executed notebook is kept beside the report as evidence.
    written = run_diagnosis_notebook(job.client_file, client_dir, notebook=job.notebook, lang=job.lang,
                                     model_file=job.model_file, portfolio_paths=job.portfolio_file,
                                     portfolio_segment=job.portfolio_segment,
                                     portfolio_min_group=job.portfolio_min_group,
                                     formats=",".join(job.formats), branding_file=job.branding_file,
                                     pdf_engine=job.pdf_engine,
                                     kernel=_kept_kernel(job.model_file, Path(job.out_dir) / "logs"))
    return {k: str(v) for k, v in written.items()}


Submit = Callable[[ClientJob], "cf.Future[ClientOutcome]"]


def run_batch(
    client_files: Iterable[str | Path],
    out_dir: str | Path,
    *,
    engine: Engine = "direct",
    workers: int | None = None,
    resume: bool = False,
    lang: str | None = None,
    model_file: str | Path | None = None,
    scheduler: str | None = None,
    progress: bool = True,
    notebook: str | Path = NOTEBOOK,
    portfolio: Iterable[str | Path] | None = None,
    portfolio_segment: str | None = None,
    portfolio_min_group: int = DEFAULT_MIN_GROUP,
    client_timeout: float | None = DEFAULT_CLIENT_TIMEOUT,
    formats: Iterable[str] = ("html", "xlsx"),
    branding: str | Path | None = None,
    pdf_engine: str = "weasyprint",
) -> BatchResult:
    """Diagnose every client; see the module docstring. ``workers`` local processes run
    the clients (default: one per core; ``1`` runs them in this process), or
    ``scheduler``, the address of a Dask distributed scheduler, sends them to its workers.

    ``portfolio`` (results files or batch folders, e.g. last quarter's batch) adds each
    client's percentile within its ``portfolio_segment`` (a choice or text profile
    field of the model, or ``industry``; None: the model's first such field) to its
    report. It is read once, before the first client, into
    ``OUT/portfolio_input.json``: every client is
    ranked among the same results even when the portfolio is this batch's own folder.
    Results that cannot be ranked, an unknown segment or a minimum group below 2 are
    refused there (DataError, ValueError), before any client runs.

    Clients whose ids would write the same output folder (``acme`` and ``ACME``), or
    one of the batch's own names (:data:`BATCH_NAMES`), are refused before any client
    runs (AnswersError naming the files). A client running longer than
    ``client_timeout`` seconds is stopped and failed.

    Each client's report is written in ``formats`` (``html``, ``pdf``, ``pptx``,
    ``xlsx``; the results JSON always), with the ``branding`` file's look, the PDF
    printed by ``pdf_engine`` (``weasyprint`` or ``chromium``, each worker keeping its
    browser open: about ten times faster). An unknown
    format, a missing PDF or deck engine and a wrong branding file are refused before
    any client runs (ArgumentError, MissingDependencyError, ConfigError).
    """
    from ..report.branding import load_branding
    from ..report.build import check_engines, check_formats

    started = time.perf_counter()
    kinds = check_formats(formats)
    check_engines(kinds, pdf_engine)
    branding_file = str(Path(branding).resolve()) if branding is not None else None
    load_branding(branding_file)
    out = Path(out_dir).resolve()
    client_files = [Path(p).resolve() for p in client_files]
    clashes = output_name_problems(_client_ids(client_files), reserved=BATCH_NAMES)
    if clashes:
        raise AnswersError(clashes)
    for folder in ("logs", "state"):
        no_link_out(out, out / folder).mkdir(parents=True, exist_ok=True)
    for stale in (out / "state" / ".started").glob("*"):  # left by a batch that was killed
        stale.unlink(missing_ok=True)
    model_path = str(Path(model_file).resolve()) if model_file else None
    snapshot = None
    if portfolio is not None:
        results = read_portfolio(portfolio)
        rank_portfolio(results, load_model(model_path), segment=portfolio_segment, min_group=portfolio_min_group)
        snapshot = str(atomic_write(out / "portfolio_input.json",
                                    json.dumps(results, ensure_ascii=False, sort_keys=True)))
    jobs = [
        ClientJob(client_file=str(Path(p).resolve()), out_dir=str(out), engine=engine, lang=lang, model_file=model_path,
                  resume=resume, notebook=str(notebook), portfolio_file=snapshot, portfolio_segment=portfolio_segment,
                  portfolio_min_group=portfolio_min_group, timeout=client_timeout, formats=kinds,
                  branding_file=branding_file, pdf_engine=pdf_engine)
        for p in client_files
    ]
    workers = workers or os.cpu_count() or 1
    from tqdm import tqdm

    # disable=None: a bar on a terminal, none in a CI log.
    bar = tqdm(total=len(jobs), unit="client", disable=None if progress else True, dynamic_ncols=True)
    outcomes: list[ClientOutcome] = []

    def done(outcome: ClientOutcome) -> None:
        outcomes.append(outcome)
        bar.update(1)
        failed = sum(o.status == "failed" for o in outcomes)
        bar.set_postfix(ok=len(outcomes) - failed, failed=failed)

    try:
        if scheduler:
            _run_on_dask(jobs, scheduler, engine, model_path, done)
        elif workers == 1:
            _run_in_process(jobs, done)
        else:
            _run_on_processes(jobs, workers, engine, model_path, done)
    finally:
        bar.close()
    order = {j.client_file: i for i, j in enumerate(jobs)}
    outcomes.sort(key=lambda o: order[o.client_file])
    result = BatchResult(outcomes=outcomes, out_dir=out, seconds=time.perf_counter() - started)
    try:
        atomic_write(out / "batch_summary.csv", csv_text(result.summary()))
    except OSError as exc:  # the outcomes are still returned (and printed by the command line)
        logging.getLogger("csmaturity.batch").warning("batch_summary.csv not written: %s", exc)
    return result


def _client_ids(client_files: list[Path]) -> list[tuple[str, str]]:
    """``(client id, file)`` of every answers file whose id can be read (a file that
    cannot is reported by its own client run), else its file name's stem; a client
    folder's id is its first file's."""
    named = []
    for path in client_files:
        first = next(iter(answers_in_folder(path)), None) if path.is_dir() else path
        data, problems = read_yaml_file(first) if first is not None else ({}, [])
        client = data.get("client") if not problems and isinstance(data, dict) else None
        value = client.get("id") if isinstance(client, dict) else None
        named.append((str(value) if isinstance(value, (str, int)) and str(value).strip() else path.stem, str(path)))
    return named


def _run_in_process(jobs: list[ClientJob], done: Callable[[ClientOutcome], None]) -> None:
    """Run jobs one after another in this process. No :func:`warm_up`: it is a worker's
    (it freezes the garbage collector's view of the process); the caches fill on the
    first client all the same. A kept kernel lives as long as the batch, as in a worker."""
    try:
        for job in jobs:
            done(run_client(job))
    finally:
        kernel = getattr(_kernels, "kernel", None)
        if kernel is not None:
            kernel.shutdown()
            _kernels.kernel = None


def _run_on_processes(jobs: list[ClientJob], workers: int, engine: Engine, model_file: str | None,
                      done: Callable[[ClientOutcome], None]) -> None:
    """Run jobs on a process pool. A crashed worker breaks the pool and fails every
    pending job with it: the jobs that had not started are innocent and run again in a
    new pool; the ones that were running (their start marker is left) run again, each
    alone in a pool of its own, and only a job that crashes alone fails. When no job
    can be told to have been running (it crashed before marking its start), every job
    of that pool runs alone."""
    context = multiprocessing.get_context("spawn")
    pending, suspects = list(jobs), []
    while pending or suspects:
        alone = not pending
        batch = [suspects.pop(0)] if alone else pending
        retry: list[ClientJob] = []
        found_suspect = False
        with cf.ProcessPoolExecutor(max_workers=1 if alone else min(workers, len(batch)), mp_context=context,
                                    initializer=_init_worker, initargs=(engine, model_file)) as pool:
            futures = {pool.submit(run_client, job): job for job in batch}
            try:
                for future in cf.as_completed(futures):
                    job = futures[future]
                    try:
                        done(future.result())
                    except cf.process.BrokenProcessPool:
                        marker = _started_marker(Path(job.out_dir), job.client_file)
                        if alone:
                            marker.unlink(missing_ok=True)
                            done(ClientOutcome(client_file=job.client_file, key=safe_name(Path(job.client_file).stem),
                                               status="failed", error="the worker process died while running this "
                                               "client" + (" (run alone after a first crash)" if alone else "")))
                        elif marker.exists():
                            marker.unlink()
                            suspects.append(job)
                            found_suspect = True
                        else:
                            retry.append(job)
            except KeyboardInterrupt:
                # Cancel what has not started and let the running clients finish (their
                # reports are whole); waiting here, since the `with` block's own
                # shutdown would reset cancel_futures before the pool acts on it.
                pool.shutdown(wait=True, cancel_futures=True)
                raise
        if retry and not found_suspect:
            suspects, retry = suspects + retry, []  # no telling which crashed: each runs alone
        pending = retry


def _run_on_dask(jobs: list[ClientJob], scheduler: str, engine: Engine, model_file: str | None,
                 done: Callable[[ClientOutcome], None]) -> None:
    distributed = require_module("distributed", "Dask distributed (to run on a scheduler)",
                                 "pip install 'csmaturity[dask]'")
    with distributed.Client(scheduler) as client:
        client.run(warm_up, engine, model_file)
        futures = client.map(run_client, jobs, pure=False)
        for future in distributed.as_completed(futures):
            done(future.result())


def demo_batch(out_dir: str | Path | None = None, *, workers: int = 1) -> Path:
    """A batch folder of the sample clients, for the portfolio notebook and lessons.

    The folder ``make demo`` (``csmaturity demo``) writes, ``out/demo``
    (:func:`~csmaturity.io.resources.default_output_dir`), when it holds results;
    otherwise the sample clients diagnosed now with the direct engine into ``out_dir``,
    or into a new temporary folder (a notebook copied anywhere runs as it is). Diagnosed
    now, each client gets its results and plan but no report (a portfolio reads only
    the results), in this process by default: a few seconds, where starting workers
    and writing seven reports would take ten times that.
    """
    made = default_output_dir("demo")
    if out_dir is None and any(made.glob("*/*.results.json")):
        return made
    out = Path(out_dir) if out_dir is not None else Path(tempfile.mkdtemp(prefix="csmaturity-demo-"))
    result = run_batch(expand_client_paths([sample_path("clients")]), out, workers=workers, progress=False,
                       formats=())
    if result.failed:
        raise RuntimeError(f"sample clients failed: {[o.key for o in result.failed]}")  # a bug in the kit
    return out
