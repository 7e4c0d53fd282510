"""Links to the page being shown."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import request


def here(**changes: str | None) -> str:
    """This page's address with some query-string arguments changed (None removes one). The language switch uses
    it, so that a list keeps its search, filters, sort and page in the other language."""
    args = [(key, value) for key, value in request.args.items(multi=True) if key not in changes]
    args += [(key, value) for key, value in changes.items() if value is not None]
    query = urlencode(args)
    path = request.script_root + request.path
    return f"{path}?{query}" if query else path
