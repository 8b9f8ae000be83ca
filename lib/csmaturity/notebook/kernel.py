"""Executing notebook after notebook on one kept Jupyter kernel.

Starting a kernel and importing pandas, matplotlib and the kit costs about a second,
more than the diagnosis notebook itself needs in a warm kernel. A batch worker
therefore keeps one kernel (:class:`KeptKernel`), starts and warms it once, and runs
each client's notebook in it through papermill, with a small papermill engine
registered as ``"csmaturity-kept-kernel"``.

Before each notebook the kernel's namespace and history are reset (IPython's
``reset(new_session=True)``: no variable of the previous client survives and
execution counts start again at 1) and its working folder is set. Imported modules
and the kit's caches (model, fonts, templates: each keyed by content or file) stay
warm. After any failure the kernel is shut down and the next notebook gets a new one,
so a broken state never reaches another client.
"""

from __future__ import annotations

import logging
import threading
from multiprocessing.util import Finalize
from pathlib import Path
from typing import Any

from nbformat import NotebookNode
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines

from ..errors import MissingDependencyError

__all__ = ["KeptKernel", "ENGINE_NAME", "missing_kernel"]

ENGINE_NAME = "csmaturity-kept-kernel"
logger = logging.getLogger(__name__)


def missing_kernel(kernel_name: str, detail: str = "") -> MissingDependencyError:
    """The error for a Jupyter kernel that is not installed, or lacks a package it imports."""
    return MissingDependencyError(
        f"the Jupyter kernel '{kernel_name}' (or a package it imports)",
        "pip install csmaturity in the environment that runs it, then: python -m ipykernel install --user", detail)


class KeptKernel:
    """A Jupyter kernel that runs one notebook after another (one at a time).

    ``warm_code`` runs once after each start (imports, caches), ``closing_code`` before
    each shutdown of a kernel that did not fail (closing what it opened). ``stderr_file``
    collects what the kernel process prints (its start-up notices, a crash), which
    would otherwise reach the terminal. The kernel starts on the first
    :meth:`execute_notebook` and is shut down by :meth:`shutdown`, after a failed
    notebook, and when the process exits.
    """

    def __init__(self, kernel_name: str = "python3", warm_code: str = "", startup_timeout: int = 60,
                 stderr_file: str | Path | None = None, closing_code: str = "") -> None:
        self.kernel_name = kernel_name
        self.warm_code = warm_code
        self.closing_code = closing_code
        self.startup_timeout = startup_timeout
        self.stderr_file = stderr_file
        self.km: Any = None
        self.kc: Any = None
        self._stderr: Any = None
        self._lock = threading.Lock()  # one notebook at a time
        # At the process's exit, a batch worker's included (multiprocessing ends those
        # with its finalizers, not atexit).
        Finalize(None, self.shutdown, exitpriority=10)

    @property
    def running(self) -> bool:
        return self.km is not None and self.km.is_alive()

    def _start(self) -> None:
        from jupyter_client.kernelspec import NoSuchKernel
        from jupyter_client.manager import start_new_kernel

        if self.stderr_file is not None:
            self._stderr = open(self.stderr_file, "a", encoding="utf-8")  # closed by shutdown()
        try:
            self.km, self.kc = start_new_kernel(kernel_name=self.kernel_name, startup_timeout=self.startup_timeout,
                                                stderr=self._stderr)
        except NoSuchKernel as exc:
            self.shutdown(failed=True)
            raise missing_kernel(self.kernel_name, str(exc)) from exc
        self.kc.allow_stdin = False
        if self.warm_code:
            reply = self.kc.execute_interactive(self.warm_code, store_history=False, timeout=self.startup_timeout,
                                                output_hook=lambda msg: None)
            if reply["content"]["status"] != "ok":
                content = reply["content"]
                self.shutdown(failed=True)
                why = f"warming the kernel failed: {content.get('ename')}: {content.get('evalue')}"
                if content.get("ename") in ("ModuleNotFoundError", "ImportError", "MissingDependencyError"):
                    raise missing_kernel(self.kernel_name, why)
                raise RuntimeError(why)

    def shutdown(self, *, failed: bool = False) -> None:
        """Stop the kernel, if one runs; the next notebook starts a new one. A kernel
        that did not fail runs ``closing_code`` first (a kernel killed with a browser
        open leaves the browser's profile in the temporary folder)."""
        km, kc, self.km, self.kc = self.km, self.kc, None, None
        if kc is not None and not failed and self.closing_code and km is not None and km.is_alive():
            try:
                kc.execute_interactive(self.closing_code, store_history=False, timeout=30,
                                       output_hook=lambda msg: None)
            except Exception:  # a kernel that cannot close its things is stopped all the same
                logger.debug("closing code failed", exc_info=True)
        if kc is not None:
            kc.stop_channels()
        if km is not None:
            try:
                km.shutdown_kernel(now=True)
            except Exception:  # already gone: nothing left to stop
                logger.debug("kernel shutdown failed", exc_info=True)
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def execute_notebook(self, input_path: str | Path, output_path: str | Path, *, parameters: dict[str, Any],
                         cwd: str | Path, timeout: int | None = None) -> NotebookNode:
        """:func:`papermill.execute_notebook` on this kernel, in the folder ``cwd``.

        Raises what papermill raises (``PapermillExecutionError`` for a failing cell,
        after writing the partly executed notebook to ``output_path``).
        """
        import papermill as pm

        with self._lock:
            if not self.running:
                self.shutdown()
                self._start()
            prelude = f"get_ipython().reset(new_session=True)\n__import__('os').chdir({str(cwd)!r})"
            try:
                # Written once at the end (or on error), not after every cell.
                return pm.execute_notebook(str(input_path), str(output_path), parameters=parameters,
                                           engine_name=ENGINE_NAME, kept_kernel=self, prelude=prelude,
                                           kernel_name=self.kernel_name, progress_bar=False,
                                           request_save_on_cell_execute=False, execution_timeout=timeout)
            except BaseException:
                self.shutdown(failed=True)
                raise


class _KeptKernelClient(PapermillNotebookClient):
    """papermill's notebook client on a running kernel and client, reset before the cells."""

    def __init__(self, nb_man: Any, *, kept: KeptKernel, prelude: str, **kwargs: Any) -> None:
        super().__init__(nb_man, km=kept.km, **kwargs)
        self.kc = kept.kc  # reuse the connected client: connecting a new one costs ~0.2 s
        self.prelude = prelude

    def papermill_execute_cells(self) -> None:
        reply = self.wait_for_reply(self.kc.execute(self.prelude, silent=True, store_history=False))
        if reply is None or reply["content"]["status"] != "ok":
            raise RuntimeError(f"the kept kernel could not be reset: {reply and reply['content']}")
        super().papermill_execute_cells()


class _KeptKernelEngine(NBClientEngine):
    @classmethod
    def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, *, kept_kernel: KeptKernel, prelude: str,
                                 log_output: bool = False, stdout_file: Any = None, stderr_file: Any = None,
                                 start_timeout: int = 60, execution_timeout: int | None = None,
                                 **_ignored: Any) -> NotebookNode:
        return _KeptKernelClient(
            nb_man, kept=kept_kernel, prelude=prelude, timeout=execution_timeout, startup_timeout=start_timeout,
            kernel_name=kernel_name, log=logger, log_output=log_output, stdout_file=stdout_file,
            stderr_file=stderr_file,
        ).execute()


papermill_engines.register(ENGINE_NAME, _KeptKernelEngine)
