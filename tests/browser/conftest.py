"""A live server on loopback and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import shutil
import threading

import pytest
from werkzeug.serving import make_server

from incidents.notices.outbox import Pump

from ..support.mail import SMTPServer

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def smtp(app):
    """A real SMTP server on loopback, serving the app's mail."""
    server = SMTPServer().start().serve(app)
    yield server.inbox
    server.stop()


@pytest.fixture
def pump(app, live_server):
    """The web process's background sender, on the live server's address."""
    app.config["BASE_URL"] = live_server
    running = Pump(app, 0.3)
    app.extensions["outbox_pump"] = running
    running.start()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def browser():
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("chromium is not installed: run scripts/ensure-chromium (make test does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, request):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="nl-NL", timezone_id="Europe/Amsterdam"
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.base = live_server
    yield page
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        from incidents import ROOT

        target = ROOT / "test-artifacts"
        target.mkdir(exist_ok=True)
        page.screenshot(path=str(target / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report


def login(page, email="handler@verwerker.example", password="correct horse battery"):
    page.goto(page.base + "/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(page.base + "/")
