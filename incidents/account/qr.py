"""The enrolment link as a QR code for an authenticator app: SVG made by segno, put inline into the page (no image
request, nothing the Content-Security-Policy has to allow)."""

from __future__ import annotations

import segno
from markupsafe import Markup


def qr_svg(uri: str, title: str) -> Markup:
    code = segno.make(uri, error="m", micro=False)
    # segno escapes the title; the SVG is its own markup, with no text of ours but that.
    svg = code.svg_inline(scale=5, border=4, dark="#1d2433", light="#ffffff", title=title, svgclass="qr")
    return Markup(svg)  # noqa: S704 (segno's own SVG markup)
