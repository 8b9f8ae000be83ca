"""Careless and hostile input at the front doors of the workshop: the apps, the
``workshop`` command, branding and answers files that are not what they claim. Each
case gets a message naming the file, the field and what was expected; nothing is
written outside the output folder, nothing already written is lost."""

from __future__ import annotations

import socket
import subprocess

import pytest

from csmaturity.cli import main

from conftest import require_module


@pytest.fixture
def no_server(monkeypatch):
    """Fail the test if the workshop command gets as far as starting the server."""
    def started(*args, **kwargs):
        raise AssertionError("the server was started")
    monkeypatch.setattr(subprocess, "call", started)


@pytest.mark.parametrize("port", ["70000", "-1", "0", "eighty"])
def test_workshop_refuses_a_port_out_of_range(port, capsys, no_server):
    with pytest.raises(SystemExit) as stop:
        main(["workshop", "intake", "--port", port, "--no-browser"])
    assert stop.value.code == 2 and "expected a port number (1-65535)" in capsys.readouterr().err


def test_workshop_checks_model_folder_and_port_before_serving(tmp_path, capsys, no_server):
    require_module("voila", "pip install 'csmaturity[apps]'")
    broken = tmp_path / "model.yaml"
    broken.write_text("id: x\nversion: [\n", encoding="utf-8")
    assert main(["workshop", "intake", "--model", str(broken), "--no-browser"]) == 1
    assert f"{broken}: line" in capsys.readouterr().err
    a_file = tmp_path / "answers"
    a_file.write_text("not a folder")
    assert main(["workshop", "intake", "--answers-dir", str(a_file), "--no-browser"]) == 1
    assert f"--answers-dir {a_file}: this is a file, not a folder" in capsys.readouterr().err
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["workshop", "intake", "--port", str(port), "--no-browser"]) == 2
    assert f"--port {port}: the port is in use" in capsys.readouterr().err
