"""``csmaturity workshop``: the code-free apps served on this machine with Voilà."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from ..errors import require_module
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
    p.add_argument("--port", type=int, default=8866, help="port on 127.0.0.1 (default 8866)")
    p.add_argument("--lang", choices=LANGUAGES, default="ja", help="the apps' first language (switch inside)")
    p.add_argument("--answers-dir", type=Path, default=default_output_dir("workshop"),
                   help="folder the intake app saves answers and reports into (default: out/workshop)")
    p.add_argument("--batch-root", type=Path, default=default_output_dir("demo").parent,
                   help="folder the portfolio app searches for batch results (default: out, where `make demo` "
                        "writes out/demo)")
    p.add_argument("--model", type=Path, help="maturity model YAML (default: the shipped model)")
    p.add_argument("--no-browser", action="store_true", help="do not open a browser window")
    p.set_defaults(handler=cmd_workshop)


def voila_command(app: str, port: int, *, browser: bool = True) -> list[str]:
    """The Voilà command line serving ``app`` (or ``all``: the apps' folder) on
    127.0.0.1 without a token (the server listens on this machine only), each app's
    kernel started ahead so it opens at once."""
    from ..apps import app_notebook

    target = app_notebook(app) if app != "all" else app_notebook(APPS[0]).parent
    return [sys.executable, "-m", "voila", str(target), f"--port={port}", "--Voila.ip=127.0.0.1",
            "--ServerApp.token=", "--token=", "--show_tracebacks=True", "--preheat_kernel=True", "--pool_size=1",
            *([] if browser else ["--no-browser"])]


def workshop_env(lang: str, answers_dir: Path, batch_root: Path, model: Path | None) -> dict[str, str]:
    """The environment of the server: the apps' kernels read their settings from it."""
    values = {"lang": lang, "answers_dir": str(answers_dir.resolve()), "batch_root": str(batch_root.resolve()),
              "model": str(model.resolve()) if model else ""}
    return {**os.environ, **{ENV[name]: value for name, value in values.items()}}


def cmd_workshop(args: argparse.Namespace) -> int:
    require_module("voila", "Voilà (it serves the apps)", APPS_INSTALL)
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
