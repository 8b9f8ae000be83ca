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


def _app(tmp_path, lang="en"):
    from csmaturity.apps import intake_app

    shell = intake_app(lang, answers_dir=tmp_path / "answers")
    return shell, shell._build.__self__


def _fill(form, client_id="acme"):
    for field, value in {"id": client_id, "name": "ACME", "industry": "SaaS", "arr_band": "1-10M USD",
                         "customers": "1200", "cs_headcount": "8"}.items():
        form.client_inputs[field].value = value


def _upload(app, name, content):
    import datetime as dt

    app.upload.value = ({"name": name, "content": content, "type": "", "size": len(content),
                         "last_modified": dt.datetime(2026, 12, 1)},)
    return app.upload_status.value


def test_uploads_that_are_not_answers_say_so_in_the_chosen_language(tmp_path):
    from conftest import ROOT

    shell, app = _app(tmp_path, "ja")
    for name, content in [("garbage.yaml", bytes(range(256))), ("notzip.xlsx", b"not a zip"),
                          ("bomb.yaml", b"a: &a [1,1,1,1,1,1,1,1,1,1]\nb: &b [" + b"*a," * 30000 + b"]\n")]:
        assert f"{name} を読み取れません" in _upload(app, name, content)
    model_file = (ROOT / "lib/csmaturity/models/cs_maturity_v1.yaml").read_bytes()
    assert "model.yaml は回答ファイルではありません" in _upload(app, "model.yaml", model_file)
    other = (ROOT / "lib/csmaturity/samples/quick_check/northstar-crm.yaml").read_bytes()
    shown = _upload(app, "northstar.yaml", other)
    assert "別の質問票（モデル）用のファイルです" in shown and "質問票にない項目" not in shown
    assert "x.csv は開けません" in _upload(app, "x.csv", b"a,b\n")
    assert "huge.yaml は大きすぎます（6.0 MB、上限 5 MB）" in _upload(app, "huge.yaml", b"#" * (6 * 2**20))
    assert app.form.progress == (0, 26)


def test_a_form_in_a_folder_never_writes_or_reads_outside_it(tmp_path):
    shell, app = _app(tmp_path, "ja")
    _fill(app.form)
    for typed in (str(tmp_path / "outside.yaml"), "../escape.yaml", str(tmp_path / "answers")):
        app.form.path.value = typed
        app.form.save_button.click()
        assert f"{typed} は使えません" in app.form.status.value
    (tmp_path / "answers").mkdir()
    (tmp_path / "answers" / "link").symlink_to(tmp_path)
    app.form.path.value = "link/through.yaml"
    app.form.save_button.click()
    assert "は使えません" in app.form.status.value
    app.form.path.value = "/etc/hostname"
    app.form.load_button.click()
    assert "/etc/hostname は使えません" in app.form.status.value
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["answers", "link"]


def test_save_asks_before_replacing_another_clients_file(tmp_path):
    shell, app = _app(tmp_path)
    _fill(app.form)
    app.form.save_button.click()
    first = (tmp_path / "answers" / "acme.yaml").read_text(encoding="utf-8")
    shell2, other = _app(tmp_path)  # another client, typed with the same id
    _fill(other.form)
    other.form.client_inputs["name"].value = "Another ACME"
    other.form.save_button.click()
    assert "acme.yaml already exists. Press Save again" in other.form.status.value
    assert (tmp_path / "answers" / "acme.yaml").read_text(encoding="utf-8") == first and other.saved is None
    shell2.switch.value = "ja"  # the question survives the language switch
    other.form.save_button.click()
    assert "Another ACME" in (tmp_path / "answers" / "acme.yaml").read_text(encoding="utf-8")
    app.form.save_button.click()  # the first form asks in turn: its file was replaced
    assert "Press Save again" in app.form.status.value


def test_report_and_language_switch_show_a_broken_saved_file(tmp_path):
    shell, app = _app(tmp_path)
    _fill(app.form)
    app.form.save_button.click()
    app.saved.write_text("client: [", encoding="utf-8")  # changed on the server behind the app
    app.report_button.click()
    assert "The report could not be made. Please check:" in app.downloads.value
    assert "acme.yaml: line 1, column 10: Cannot read acme.yaml" in app.downloads.value
    app.saved.unlink()
    shell.switch.value = "ja"
    assert "ファイルが見つかりません: acme.yaml" in app.downloads.value and app.report_button.disabled


def test_a_foreign_yaml_in_a_client_folder_is_named_once(tmp_path, model, capsys):
    import shutil

    from conftest import CLIENTS

    shutil.copytree(CLIENTS / "kaede-works", tmp_path / "kaede-works")
    (tmp_path / "kaede-works" / "branding.yaml").write_text("firm: X\ncolors: {primary: '#000000'}\n")
    assert main(["validate", str(tmp_path / "kaede-works")]) == 1
    err = capsys.readouterr()
    shown = err.out + err.err
    assert "branding.yaml: not an answers file: it has neither a 'client' nor an 'answers' block" in shown
    assert "unknown key" not in shown


def test_a_logo_that_is_no_picture_or_too_big_is_named_before_any_output(tmp_path, capsys):
    from conftest import CLIENTS

    (tmp_path / "logo.png").write_text("firm: not a picture\n")
    with (tmp_path / "huge.jpg").open("wb") as huge:
        huge.write(b"\xff\xd8\xff" + b"\0" * (6 * 2**20))
    for logo, said in (("logo.png", "is not a PNG or JPEG picture"), ("huge.jpg", "is 6.0 MB; a logo may be 5 MB")):
        branding = tmp_path / f"{logo}.branding.yaml"
        branding.write_text(f"firm: X\nlogo: {logo}\n")
        out = tmp_path / f"out-{logo}"
        assert main(["report", str(CLIENTS / "midori-fintech.yaml"), "--out", str(out), "--formats", "html,xlsx",
                     "--branding", str(branding)]) == 1
        assert f"{branding}: logo: {tmp_path / logo} {said}" in capsys.readouterr().err
        assert not out.exists()
