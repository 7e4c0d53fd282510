"""CSRF tokens, form posts and logging in, always through the real pages and forms."""

from __future__ import annotations

import re


def csrf_from(page, name: str = "csrf_token") -> str:
    """The hidden CSRF token of a page: a response, or its HTML."""
    html = page if isinstance(page, str) else page.get_data(as_text=True)
    match = re.search(r'name="' + re.escape(name) + r'"[^>]*value="([^"]+)"', html)
    status = "" if isinstance(page, str) else f" ({page.status_code})"
    assert match, f"no {name} on the page{status}"
    return match.group(1)
