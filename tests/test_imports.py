"""Importing the kit changes no global state: a notebook keeps its matplotlib backend,
style and locale."""

from __future__ import annotations

import json
import os
import subprocess
import sys

# Every module of the kit, imported in one fresh interpreter under JupyterLab's backend.
CODE = """
import importlib, json, locale, pkgutil
import matplotlib
backend, rc, where = matplotlib.rcParams["backend"], dict(matplotlib.rcParams), locale.setlocale(locale.LC_ALL)
import csmaturity
names = [m.name for m in pkgutil.walk_packages(csmaturity.__path__, "csmaturity.") if not m.name.endswith("__main__")]
for name in names:
    importlib.import_module(name)
changed = sorted(k for k, v in matplotlib.rcParams.items() if str(rc.get(k)) != str(v))
print(json.dumps({"before": backend, "after": matplotlib.rcParams["backend"], "changed": changed, "modules": names,
                  "locale": locale.setlocale(locale.LC_ALL) == where}))
"""


def test_importing_every_module_keeps_the_backend_rc_params_and_locale():
    inline = "module://matplotlib_inline.backend_inline"
    env = {**os.environ, "MPLBACKEND": inline}
    done = subprocess.run([sys.executable, "-c", CODE], env=env, capture_output=True, text=True, check=True)
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert "csmaturity.plotting.portfolio" in seen["modules"] and "csmaturity.portfolio.ranking" in seen["modules"]
    assert seen["before"] == seen["after"] == inline
    assert seen["changed"] == [] and seen["locale"] is True
