"""``csmaturity workshop``: the code-free apps served on this machine with Voilà."""

from __future__ import annotations

import argparse
import errno
import os
import socket
import subprocess
import sys
from pathlib import Path

from ..errors import ArgumentError, OutputError, require_module
from ..i18n import LANGUAGES
from ..io.resources import default_output_dir

#: How to get the app server, when it is missing.
APPS_INSTALL = "pip install 'csmaturity[apps]'"
#: :data:`csmaturity.apps.APPS`, named here so that the command line starts without
#: importing the widgets (a test keeps the two in step).
APPS = ("intake", "teaching", "portfolio")
#: The variables the apps read their settings from (:data:`csmaturity.apps.SETTINGS`).
ENV = {"lang": "CSMATURITY_LANG", "answers_dir": "CSMATURITY_ANSWERS_DIR", "batch_root": "CSMATURITY_BATCH_ROOT",
       "model": "CSMATURITY_MODEL"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("workshop", help="serve the intake, teaching and portfolio apps in the browser (no code)")
    p.add_argument("app", nargs="?", choices=[*APPS, "all"], default="all",
                   help="the app to open: intake (questionnaire + what-if), teaching (metrics and exercises), "
                        "portfolio (a batch side by side); all: a page listing the three (default)")
    p.add_argument("--port", type=_port, default=8866, help="port on 127.0.0.1 (default 8866)")
    p.add_argument("--lang", choices=LANGUAGES, default="ja", help="the apps' first language (switch inside)")
    p.add_argument("--answers-dir", type=Path, default=default_output_dir("workshop"),
                   help="folder the intake app saves answers and reports into (default: out/workshop)")
    p.add_argument("--batch-root", type=Path, default=default_output_dir("demo").parent,
                   help="folder the portfolio app searches for batch results (default: out, where `make demo` "
                        "writes out/demo)")
    p.add_argument("--model", type=Path, help="maturity model YAML (default: the shipped model)")
    p.add_argument("--no-browser", action="store_true", help="do not open a browser window")
    p.set_defaults(handler=cmd_workshop)


def _port(value: str) -> int:
    """A TCP port number from the command line (1-65535)."""
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number (1-65535), got {value!r}") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port number (1-65535), got {port}")
    return port


def check_port_free(port: int) -> None:
    """Refuse a port another program listens on: the server would move to another port
    and the addresses printed would lead nowhere (or to that other program)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as exc:
            reason = "is in use by another program" if exc.errno == errno.EADDRINUSE else f"cannot be used ({exc})"
            raise ArgumentError("port", f"--port {port}: the port {reason} on 127.0.0.1; choose another one, "
                                        "e.g. --port 8870") from None


def check_folder(option: str, folder: Path) -> None:
    """A folder option must name a folder (or nothing yet): a file there would make
    every save of the apps fail."""
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{option} {folder}: this is a file, not a folder; give a folder (created if missing)")


def voila_command(app: str, port: int, *, browser: bool = True) -> list[str]:
    """The Voilà command line serving ``app`` (or ``all``: the apps' folder) on
    127.0.0.1 without a token (the server listens on this machine only), each app's
    kernel started ahead so it opens at once."""
    from ..apps import app_notebook

    target = app_notebook(app) if app != "all" else app_notebook(APPS[0]).parent
    return [sys.executable, "-m", "voila", str(target), f"--port={port}", "--Voila.ip=127.0.0.1",
            "--ServerApp.token=", "--token=", "--Voila.port_retries=0", "--show_tracebacks=True",
            "--preheat_kernel=True", "--pool_size=1",
            *([] if browser else ["--no-browser"])]


def workshop_env(lang: str, answers_dir: Path, batch_root: Path, model: Path | None) -> dict[str, str]:
    """The environment of the server: the apps' kernels read their settings from it."""
    values = {"lang": lang, "answers_dir": str(answers_dir.resolve()), "batch_root": str(batch_root.resolve()),
              "model": str(model.resolve()) if model else ""}
    return {**os.environ, **{ENV[name]: value for name, value in values.items()}}


def cmd_workshop(args: argparse.Namespace) -> int:
    require_module("voila", "Voilà (it serves the apps)", APPS_INSTALL)
    # everything the apps would stumble on is refused here, named, before a server starts
    from ..model import load_model

    load_model(args.model)
    check_folder("--answers-dir", args.answers_dir)
    check_folder("--batch-root", args.batch_root)
    check_port_free(args.port)
    command = voila_command(args.app, args.port, browser=not args.no_browser)
    base = f"http://127.0.0.1:{args.port}"
    urls = [base] if args.app != "all" else [f"{base}/voila/render/{name}.ipynb" for name in APPS]
    print(f"serving {args.app} on {base} (answers into {args.answers_dir.resolve()}); stop with Ctrl-C")
    for url in urls:
        print(f"  {url}")
    env = workshop_env(args.lang, args.answers_dir, args.batch_root, args.model)
    try:
        return subprocess.call(command, env=env)
    except KeyboardInterrupt:
        return 0
