"""The package's layers, as the README's architecture tree draws them, checked against
the imports in the code (module level and inside functions alike).

Each part of ``csmaturity`` may import only the parts listed for it: the engine never
reaches for charts or reports, the metrics never for matplotlib, and so on. A new
module inherits the rule of its folder; a new folder must be added here and to the
README's tree, which a test below compares with the folders on disk.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "lib" / "csmaturity"

ENGINE = {"model", "answers", "scoring", "benchmark", "recommend", "plan", "assessment", "synth", "exercises",
          "respondents", "datasets"}
BASE = {"errors", "_version"}
# part -> the parts it may import (besides itself and BASE). Engine modules are one part.
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "_version": set(),
    "io": {"i18n"},
    "i18n": set(),
    "engine": {"io", "i18n", "metrics"},
    "metrics": {"io"},
    "plotting": {"engine", "metrics", "i18n", "io"},
    "portfolio": {"engine", "io", "i18n", "plotting", "report"},
    "report": {"engine", "metrics", "plotting", "portfolio", "i18n", "io"},
    "notebook": {"report", "engine", "plotting", "portfolio", "i18n", "io"},
    "intake": {"engine", "i18n", "io"},
    "authoring": {"engine", "i18n", "io"},
    "batch": {"report", "notebook", "portfolio", "plotting", "engine", "i18n", "io"},
    "widgets": {"engine", "metrics", "plotting", "intake", "i18n", "io", "report"},
    "apps": {"widgets", "report", "portfolio", "plotting", "intake", "engine", "metrics", "i18n", "io"},
    "cli": {"batch", "report", "notebook", "portfolio", "intake", "authoring", "engine", "metrics", "i18n", "io",
            "plotting", "apps"},
    "__init__": {"engine", "io"},
    "__main__": {"cli"},
}
# The pure layers never import a plotting library, at any depth of their own code.
NO_MATPLOTLIB = {"engine", "metrics", "io", "i18n", "intake", "authoring", "errors"}


def part_of(module: str) -> str:
    """``csmaturity.report.html`` -> ``report``; engine modules -> ``engine``."""
    parts = module.split(".")
    if len(parts) == 1:
        return "__init__"
    head = parts[1]
    return "engine" if head in ENGINE else head


def module_name(path: Path) -> str:
    rel = path.relative_to(PKG.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path) -> set[str]:
    """Every module ``path`` imports (absolute names), at any depth of its code."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            out.add(target)
            # ``from . import charts`` imports a submodule
            out |= {f"{target}.{alias.name}" for alias in node.names
                    if (PKG.parent / f"{target}.{alias.name}".replace(".", "/")).exists()}
    return out


MODULES = sorted(p for p in PKG.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PKG)))
def test_module_imports_only_its_allowed_layers(path):
    me = part_of(module_name(path))
    assert me in ALLOWED, f"{path.relative_to(ROOT)}: new part {me!r}: add it to ALLOWED and to the README's tree"
    bad = sorted(
        target for target in imports(path)
        if target.startswith("csmaturity.") and (other := part_of(target)) != me
        and other not in BASE and other not in ALLOWED[me]
    )
    assert not bad, f"{path.relative_to(ROOT)} ({me}) may not import {bad}"


@pytest.mark.parametrize("path", [p for p in MODULES if part_of(module_name(p)) in NO_MATPLOTLIB],
                         ids=lambda p: str(p.relative_to(PKG)))
def test_pure_layers_do_not_import_plotting_libraries(path):
    found = sorted(t for t in imports(path) if t.split(".")[0] in {"matplotlib", "seaborn"})
    assert not found, f"{path.relative_to(ROOT)} imports {found}"


def test_readme_architecture_tree_matches_the_folders():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Architecture", 1)[1].split("```", 2)[1]
    listed = set(re.findall(r"^\s*([a-z_][a-z0-9_]*)/\s", block, flags=re.M))
    folders = {p.name for p in PKG.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert folders <= listed, f"folders missing from the README's architecture tree: {sorted(folders - listed)}"
    data_folders = {p.name for p in PKG.iterdir()
                    if p.is_dir() and not (p / "__init__.py").exists() and p.name != "__pycache__"}
    outside = {"csmaturity", "lib", "templates", "notebooks", "tests", "benchmarks", "scripts", "docs"}
    assert listed - outside <= folders | data_folders, "the README's tree lists folders that do not exist"
    for part in ALLOWED:
        if part not in {"engine", "__init__", "__main__", "errors", "_version"}:
            assert re.search(rf"^\s*{part}/", block, flags=re.M), f"{part}/ not in the README's tree"
