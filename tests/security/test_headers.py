"""Response headers on every page (CSP without inline code, nosniff, no framing, no caching), templates that need
no 'unsafe-inline', HSTS only over https, and the session cookie's flags."""

from __future__ import annotations

import re

import pytest
from werkzeug.routing import AnyConverter

from incidents import ROOT
from incidents.extensions import db

from ..support.app import own_app
from .conftest import login

# Written out here, not imported: a weakened policy in the app must fail this test.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
HSTS = "max-age=31536000; includeSubDomains"
EMAIL = "handler@verwerker.example"

# Markup that a CSP without 'unsafe-inline' blocks.
INLINE = {
    "inline <script> body": re.compile(r"<script\b[^>]*>\s*[^<\s]", re.I),
    "<script> without src": re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>", re.I),
    "style= attribute": re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I | re.S),
    "<style> element": re.compile(r"<style\b", re.I),
    "on…= event handler": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I | re.S),
    "javascript: URL": re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.I),
}


def inline_code(markup: str) -> list[str]:
    return [f"{name}: {m.group(0)[:80]!r}" for name, pattern in INLINE.items() for m in pattern.finditer(markup)]


def _values(world) -> dict[str, object]:
    return {
        "incident_id": world.shared.id,
        "controller_id": world.a.id,
        "contract_id": world.a_contract.id,
        "document_id": world.a_document_id,
        "message_id": world.a_message.id,
        "token": "not-a-valid-acknowledgement-token",
        "regime_key": "nis2",
        "stage_key": "early_warning",
    }


def get_urls(app, world) -> list[str]:
    """One URL per GET rule (each choice of an any() part), with ids from the dataset; static files excluded."""
    values = _values(world)
    adapter = app.url_map.bind("localhost")
    urls = []
    unknown = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        choices = [{}]
        for name in sorted(rule.arguments):
            converter = rule._converters.get(name)
            if isinstance(converter, AnyConverter):
                options = sorted(converter.items)
            elif name in values:
                options = [values[name]]
            elif name.endswith("_id"):
                options = [1]  # an id the dataset has no special value for: the page or its 404
            else:
                unknown.append(f"{rule.rule}: {name}")
                continue
            choices = [{**c, name: o} for c in choices for o in options]
        urls += [adapter.build(rule.endpoint, c, method="GET") for c in choices]
    assert not unknown, f"give these route arguments a value in test_headers._values: {unknown}"
    return sorted(set(urls))


def assert_security_headers(response, url: str) -> None:
    headers = response.headers
    assert headers.get("Content-Security-Policy") == CSP, (url, headers.get("Content-Security-Policy"))
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers.get("X-Content-Type-Options") == "nosniff", url
    assert headers.get("X-Frame-Options") == "DENY", url
    directives = [d.strip() for d in headers.get("Cache-Control", "").split(",")]
    assert "no-store" in directives, (url, headers.get("Cache-Control"))


def walk(client, urls: list[str], api_token: str | None = None) -> list[str]:
    """GET every URL; assert the headers everywhere and no inline code in HTML. Returns the HTML pages with 200."""
    html_pages = []
    for url in urls:
        headers = {"Authorization": f"Bearer {api_token}"} if api_token and url.startswith("/api/") else {}
        response = client.get(url, headers=headers)
        assert response.status_code < 500, (url, response.status_code)
        assert_security_headers(response, url)
        if response.mimetype == "text/html":
            found = inline_code(response.get_data(as_text=True))
            assert not found, (url, found)
            if response.status_code == 200:
                html_pages.append(url)
    return html_pages


def test_every_page_carries_the_security_headers(app, client, make_user, world):
    from incidents.auth.service import create_token

    make_user(EMAIL)
    _, token = create_token(EMAIL, "walk")
    db.session.commit()
    assert login(client, EMAIL).status_code == 302
    urls = get_urls(app, world) + ["/no-such-page", "/incidents/999999", "/api/v1/no-such-thing"]
    html_pages = walk(client, urls, token)
    for page in (
        "/",
        "/incidents/",
        f"/incidents/{world.shared.id}",
        "/register/",
        "/account/",
        "/account/tokens",
        "/controllers",
        "/contracts",
    ):
        assert page in html_pages, f"{page} should have been walked as an HTML page"
    assert len(html_pages) >= 12, html_pages


def test_admin_and_portal_pages_carry_the_security_headers(app, make_user, with_two_factor, world):
    from ..support.forms import second_factor
    from .conftest import current_code

    urls = get_urls(app, world)
    admin = make_user("fg@verwerker.example", role="admin")
    secret, _ = with_two_factor(admin)
    as_admin = app.test_client()
    login(as_admin, admin.email)
    assert second_factor(as_admin, current_code(secret)).status_code == 302
    admin_pages = walk(as_admin, [u for u in urls if u.startswith("/admin/")] + ["/"])
    assert "/" in admin_pages and len(admin_pages) >= 2, admin_pages

    make_user("fg@alfa.example", role="controller", controller=world.a)
    as_controller = app.test_client()
    assert login(as_controller, "fg@alfa.example").status_code == 302
    portal_pages = walk(as_controller, [u for u in urls if u.startswith("/portal/")] + ["/account/"])
    assert "/portal/" in portal_pages and f"/portal/incidents/{world.shared.id}" in portal_pages, portal_pages


def test_pages_without_login_carry_the_security_headers(app, client, world):
    for url in get_urls(app, world) + ["/no-such-page"]:
        response = client.get(url)
        assert response.status_code < 500, (url, response.status_code)
        assert_security_headers(response, url)
    login_page = client.get("/login")
    assert login_page.status_code == 200 and not inline_code(login_page.get_data(as_text=True))


def test_static_files_are_not_sniffed(client):
    response = client.get("/static/app.css")
    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == CSP


def _templates() -> list:
    folders = [ROOT / "templates", ROOT / "incidents" / "templates"]
    return sorted(p for folder in folders if folder.is_dir() for p in folder.rglob("*.html"))


def test_templates_hold_no_inline_script_or_style():
    templates = _templates()
    assert len(templates) > 10
    found = {str(p.relative_to(ROOT)): inline_code(p.read_text(encoding="utf-8")) for p in templates}
    assert not {k: v for k, v in found.items() if v}


def test_the_scan_finds_inline_code():
    """The patterns above must catch what they are for (else the template test proves nothing)."""
    for markup in (
        "<script>alert(1)</script>",
        "<script >x()</script>",
        '<div style="color:red">',
        "<p\n  style='x'>",
        "<style>p{}</style>",
        '<a href="#" onclick="x()">',
        '<a href="javascript:alert(1)">',
        "<img src=x onerror=alert(1)>",
    ):
        assert inline_code(markup), markup
    assert not inline_code('<script src="/static/app.js" defer></script><p data-style="x" class="on">')


def test_hsts_only_over_https(client):
    secure = client.get("/login", base_url="https://localhost")
    assert secure.headers.get("Strict-Transport-Security") == HSTS
    plain = client.get("/login")
    assert "Strict-Transport-Security" not in plain.headers


def _session_cookie(response) -> str:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert len(cookies) == 1, response.headers.getlist("Set-Cookie")
    return cookies[0]


def _flags(cookie: str) -> set[str]:
    return {part.strip().lower() for part in cookie.split(";")[1:]}


def test_session_cookie_flags_over_http(app, client, make_user):
    assert app.config["SESSION_COOKIE_SECURE"] is False  # BASE_URL is http:// in the tests
    flags = _flags(_session_cookie(client.get("/login")))
    assert "httponly" in flags and "samesite=lax" in flags
    assert "secure" not in flags
    make_user(EMAIL)
    flags = _flags(_session_cookie(login(client, EMAIL)))
    assert "httponly" in flags and "samesite=lax" in flags


@pytest.fixture
def https_app(database_uri):
    with own_app(database_uri, BASE_URL="https://datalek.verwerker.example") as app:
        yield app


def test_session_cookie_is_secure_when_base_url_is_https(https_app):
    assert https_app.config["SESSION_COOKIE_SECURE"] is True
    client = https_app.test_client()
    response = client.get("/login", base_url="https://datalek.verwerker.example")
    flags = _flags(_session_cookie(response))
    assert {"httponly", "samesite=lax", "secure"} <= flags
    assert response.headers.get("Strict-Transport-Security") == HSTS
    # behind a proxy that speaks plain http to the app, HSTS still goes out (the public address is https)
    assert client.get("/login").headers.get("Strict-Transport-Security") == HSTS


def test_explicit_cookie_setting_wins(database_uri):
    with own_app(database_uri, BASE_URL="https://datalek.verwerker.example", SESSION_COOKIE_SECURE=False) as app:
        assert app.config["SESSION_COOKIE_SECURE"] is False
