"""Dutch first, English available: locale selection, the compiled catalogues, time filters."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, request, session
from flask_babel import format_decimal
from flask_login import current_user

from . import catalogues
from .core.instants import format_local, iso_z, local_input_value
from .extensions import babel
from .links import here

SOURCE_LANGUAGE = "en"  # the msgids: every other language needs its compiled catalogue


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


def language_url(language: str) -> str:
    """This page in another language: the same path and query string (a register's filters, a page number), with
    only `lang` replaced."""
    from urllib.parse import urlencode

    kept = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    return "?" + urlencode([*kept, ("lang", language)])


def decimal(value: float) -> str:
    """A number as the page's language writes it: 0,75 in Dutch, 0.75 in English (at most two decimals)."""
    from flask_babel import format_decimal

    return format_decimal(value, format="#,##0.##")


def init_app(app: Flask) -> None:
    folder = Path(app.root_path) / "translations"
    # Compiled by `make setup` or the wheel build, never here: an installed app may not write into its folder.
    trouble = catalogues.problems(folder, [lang for lang in app.config["LANGUAGES"] if lang != SOURCE_LANGUAGE])
    if trouble:
        raise RuntimeError(
            f"the translations are not compiled ({'; '.join(trouble)}): run `make setup` "
            "(or `python -m incidents.catalogues`)"
        )
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
    app.jinja_env.filters["number"] = format_decimal  # 2.340 in Dutch, 2,340 in English
    app.jinja_env.globals["here"] = here  # the language switch keeps the page's query string
    app.jinja_env.filters["decimal"] = decimal

    @app.context_processor
    def inject_labels():
        from flask_babel import get_locale

        from .labels import template_labels

        return {**template_labels(), "current_language": str(get_locale() or "nl"), "language_url": language_url}
