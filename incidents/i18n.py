"""Dutch first, English available: locale selection, catalogue compilation, time filters."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, request, session
from flask_login import current_user

from .core.instants import format_local, iso_z, local_input_value
from .extensions import babel


def select_locale() -> str:
    from flask import current_app, g

    languages = current_app.config["LANGUAGES"]
    chosen = request.args.get("lang")
    if chosen is not None and chosen in languages:
        session["lang"] = chosen
        return chosen
    if g.get("speak") in languages:  # a page for someone outside (a controller): their language
        return g.speak
    if session.get("lang") in languages:
        return session["lang"]
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def speak(language: str) -> None:
    """Render this request in the given language (unless the visitor chose one with ?lang=)."""
    from flask import g
    from flask_babel import refresh

    g.speak = language
    refresh()


def compile_catalogues(folder: Path) -> None:
    """Compile every .po whose .mo is missing or older, so a fresh clone needs no build step."""
    for po_path in folder.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as handle:
            catalogue = read_po(handle)
        # A temporary file of this process' own: several processes may start at once (pytest-xdist workers,
        # gunicorn workers) and each compiles; the last rename wins, and every one leaves a complete .mo.
        fd, tmp_name = tempfile.mkstemp(prefix="messages.", suffix=".mo.tmp", dir=mo_path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                write_mo(handle, catalogue)
            os.chmod(tmp_name, 0o644)
            os.replace(tmp_name, mo_path)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise


def init_app(app: Flask) -> None:
    folder = Path(app.root_path) / "translations"
    compile_catalogues(folder)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(folder))
    babel.init_app(app, locale_selector=select_locale)

    @app.before_request
    def fresh_locale():
        # Flask-Babel caches the locale on `g`; a new request must choose again (matters where an
        # app context outlives one request, as in tests and CLI-driven work).
        from flask_babel import refresh

        refresh()
    app.jinja_env.filters["local"] = format_local
    app.jinja_env.filters["iso"] = iso_z
    app.jinja_env.filters["local_input"] = local_input_value

    @app.context_processor
    def inject_labels():
        from flask_babel import get_locale

        from .labels import template_labels

        return {**template_labels(), "current_language": str(get_locale() or "nl")}
