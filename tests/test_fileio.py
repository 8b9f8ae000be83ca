"""Atomic writes and safe file names."""

from __future__ import annotations

import os
import stat

import pytest

from csmaturity.errors import OutputError
from csmaturity.io.files import atomic_path, atomic_write, inside, safe_name


def test_atomic_write_replaces_and_is_readable_by_others(tmp_path):
    target = tmp_path / "r.html"
    old = os.umask(0o022)
    try:
        atomic_write(target, "first")
        atomic_write(target, "second")
    finally:
        os.umask(old)
    assert target.read_text(encoding="utf-8") == "second"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]


def test_failure_keeps_the_previous_file_and_leaves_no_temp(tmp_path):
    target = tmp_path / "r.html"
    atomic_write(target, "good")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            # Hidden, beside the target, ending like it (papermill checks ".ipynb").
            assert tmp.parent == target.parent and tmp.name.startswith(".r.") and tmp.name.endswith(".part.html")
            tmp.write_text("half", encoding="utf-8")
            raise RuntimeError("renderer crashed")
    assert target.read_text(encoding="utf-8") == "good"
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]


@pytest.mark.parametrize("text,expected", [
    ("../../etc/x", "etc_x"), ("a/b\\\\c", "a_b_c"), ("..", "client"), ("ひかり クラウド", "ひかり_クラウド"),
    ("ＡＣＭＥ", "ACME"), ("x..y", "x.y"),
])
def test_safe_name(text, expected):
    assert safe_name(text) == expected


def test_inside_refuses_escapes(tmp_path):
    assert inside(tmp_path, "a.html") == tmp_path.resolve() / "a.html"
    for escape in ("../outside.html", "/etc/passwd", ".", "sub/../../x"):
        with pytest.raises(OutputError, match="outside the folder"):
            inside(tmp_path, escape)
