"""The workshop apps in a real browser: Voilà on 127.0.0.1, driven by Playwright with the
system Chromium (Playwright's own browser download cannot work everywhere).

One server serves the three apps for the whole module (each app's kernel is started
ahead, as ``csmaturity workshop`` does). Times are printed, not asserted: app start to
usable widgets and the response to each change. Outside CI the module skips with the
reason when Playwright, Voilà or Chromium is missing; under ``CI=true`` it fails.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.request

import pytest

import csmaturity as cm
from csmaturity.cli.workshop import voila_command, workshop_env
from csmaturity.exercises import check
from csmaturity.i18n import text

from conftest import IN_CI, require_module

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.xdist_group("browser")]

CHROMIUM = ("chromium", "chromium-browser", "google-chrome")


def _chromium() -> str:
    found = next((p for p in map(shutil.which, CHROMIUM) if p), None)
    if found is None:
        message = "no Chromium found (apt-get install chromium); the browser tests need one"
        if IN_CI:
            pytest.fail(f"{message}; CI must run them")
        pytest.skip(message)
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_module("playwright", "pip install playwright")
    require_module("voila", "pip install 'csmaturity[apps]'")
    _chromium()
    work = tmp_path_factory.mktemp("workshop")
    port = _free_port()
    env = workshop_env("ja", work / "answers", work / "out", None)
    proc = subprocess.Popen(voila_command("all", port, browser=False), cwd=work, env=env,
                            stdout=subprocess.DEVNULL, stderr=(work / "voila.log").open("w"), start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base + "/", timeout=2)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the Voilà server did not start:\n" + (work / "voila.log").read_text()[-3000:])
            time.sleep(0.3)
    yield {"base": base, "work": work}
    os.killpg(proc.pid, 15)
    proc.wait(timeout=20)


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=_chromium(), args=["--no-sandbox"])
        yield chromium
        chromium.close()


def _open(browser, url: str, ready: str):
    """A page at ``url`` once ``ready`` (a selector) shows; prints the time it took."""
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(ready, timeout=60_000)
    print(f"\n{url.rsplit('/', 1)[-1]}: app start to widgets {time.perf_counter() - start:.2f} s")
    return page


def _timed(label: str, action, done) -> None:
    """Do ``action`` and wait until ``done()`` (a Playwright wait) returns; print the time."""
    start = time.perf_counter()
    action()
    done()
    print(f"  {label}: {1000 * (time.perf_counter() - start):.0f} ms")


def test_intake_app_switch_fill_download_and_what_if(server, browser, model, tmp_path):
    page = _open(browser, server["base"] + "/voila/render/intake.ipynb", "text=成熟度診断の質問票")
    assert page.get_by_text("回答済み 0 / 26 問").is_visible()
    assert page.locator("text=入力してください").count() == 0, "no error before anything is typed"

    _timed("switch to English", lambda: page.get_by_role("button", name="English").click(),
           lambda: page.wait_for_selector("text=Client information"))
    assert page.get_by_text("Maturity assessment questionnaire").is_visible()
    for label, value in {"Client id": "acme", "Company name": "ACME SaaS", "Industry": "SaaS",
                         "ARR band": "1-10M USD", "Customers": "1200", "CS headcount": "8"}.items():
        page.get_by_label(label, exact=True).fill(value)
        page.get_by_label(label, exact=True).press("Tab")

    page.get_by_text("Outcome KPIs").first.click()
    _timed("answer 1", lambda: page.get_by_label("Monthly", exact=True).first.check(),
           lambda: page.wait_for_selector("text=1 / 26 questions answered"))
    _timed("answer 2", lambda: page.get_by_label("Churn (rate, count or amount)").first.check(),
           lambda: page.wait_for_selector("text=2 / 26 questions answered"))
    _timed("answer 3", lambda: page.get_by_label("Both new deals and retention").first.check(),
           lambda: page.wait_for_selector("text=3 / 26 questions answered"))

    page.get_by_role("button", name="Save").click()
    link = page.locator("a.csm-download").first
    link.wait_for(timeout=20_000)
    with page.expect_download() as download:
        link.click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    answers = cm.load_answers(saved, model)  # the kit's own validation
    assert answers.client.id == "acme" and answers.client.profile["customers"] == 1200
    assert answers.answers == {"kpi_review": "monthly", "kpi_defined": ["churn"], "kpi_ltv_focus": "mixed"}

    # the what-if panel follows the form: its "as is" is the three answers just given
    page.get_by_role("tab", name="What if").click()
    board = page.locator("text=Overall score:").first
    before = board.inner_text()
    expected = cm.score(model, answers).overall
    assert f"{expected:.1f} → " in before, before
    readout = page.locator(".widget-readout").first
    _timed("what-if weight", lambda: (readout.click(), page.keyboard.press("Control+A"),
                                      page.keyboard.type("30"), page.keyboard.press("Enter")),
           lambda: page.wait_for_function("b => !document.body.innerText.includes(b)", arg=before.split("\n")[0]))
    after = board.inner_text()
    assert after != before

    # back in the form, one more answer moves the what-if baseline without saving
    page.get_by_role("tab", name="Questionnaire").click()
    page.get_by_label("Quarterly or a few times a year").first.check()
    page.get_by_role("tab", name="What if").click()
    page.wait_for_function("a => !document.body.innerText.includes(a)", arg=after.split("\n")[0], timeout=10_000)
    assert page.locator("text=Overall score:").first.inner_text() != after
    page.close()


def test_teaching_app_exercise_wrong_then_right(server, browser):
    page = _open(browser, server["base"] + "/voila/render/teaching.ipynb", "text=CS指標を学ぶ")
    success = check("churn", "7%").message("ja")
    hint = check("churn", "50").message("ja", reveal=False)
    assert not check("churn", "50").correct
    # The churn exercise comes first in its section; the other text boxes are the sliders'.
    box = page.get_by_placeholder(text("teaching.enter_hint", "ja")).first

    def answer(value: str) -> str:
        box.fill(value)
        start = time.perf_counter()
        box.press("Enter")  # Enter checks
        page.wait_for_function("() => [...document.querySelectorAll('.widget-html-content')]"
                               ".some(e => /正解|違い|ヒント/.test(e.innerText))")
        print(f"  exercise check: {1000 * (time.perf_counter() - start):.0f} ms")
        page.wait_for_timeout(300)  # the whole verdict, not its first words
        return page.locator("body").inner_text()

    wrong = answer("50")
    assert success not in wrong and hint in wrong  # a hint first, not the worked answer
    right = answer("7%")
    assert success in right

    number = page.locator(".widget-text input").first  # the first slider's number box
    shown = page.locator("body").inner_text()
    _timed("teaching slider (typed 300 in its box)", lambda: (number.fill("300"), number.press("Enter")),
           lambda: page.wait_for_function("b => document.body.innerText !== b", arg=shown))
    page.close()
