"""Fixtures for the draft tests: the API's refusal helpers, an HTML reader and incidents built through the API."""

from __future__ import annotations

from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest

from ..api.conftest import row_counts  # noqa: F401  (every mapped table, severity assessments included)


def iso(value: datetime) -> str:
    """The API's instant format: UTC, to the second, with a Z."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Page(HTMLParser):
    """The elements of a page: tag, attributes, the ids of the elements around it, and its text."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[dict] = []  # {"tag", "attrs", "inside": (ancestor ids), "text"}
        self._open: list[int] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        inside = tuple(self.elements[i]["attrs"]["id"] for i in self._open if "id" in self.elements[i]["attrs"])
        self.elements.append({"tag": tag, "attrs": {k: v or "" for k, v in attrs}, "inside": inside, "text": ""})
        if tag not in self.VOID:
            self._open.append(len(self.elements) - 1)

    def handle_endtag(self, tag):
        for position in range(len(self._open) - 1, -1, -1):
            if self.elements[self._open[position]]["tag"] == tag:
                del self._open[position:]
                return

    def handle_data(self, data):
        for index in self._open:
            self.elements[index]["text"] += data

    def _element(self, element_id: str) -> dict | None:
        return next((e for e in self.elements if e["attrs"].get("id") == element_id), None)

    def by_id(self, element_id: str) -> dict | None:
        """The attributes of the element with this id, or None."""
        found = self._element(element_id)
        return None if found is None else found["attrs"]

    def text(self, element_id: str) -> str:
        found = self._element(element_id)
        assert found is not None, f"no element with id {element_id}"
        return found["text"]

    def with_class(self, name: str, tag: str | None = None) -> list[dict]:
        return [
            e["attrs"]
            for e in self.elements
            if name in e["attrs"].get("class", "").split() and (tag is None or e["tag"] == tag)
        ]

    def texts_in_class(self, name: str) -> list[str]:
        return [e["text"] for e in self.elements if name in e["attrs"].get("class", "").split()]

    def elements_in(self, ancestor_id: str, tag: str) -> list[dict]:
        return [e["attrs"] for e in self.elements if e["tag"] == tag and ancestor_id in e["inside"]]

    def texts_in(self, ancestor_id: str, tag: str) -> list[str]:
        """The whitespace-collapsed text of each `tag` element inside the element with this id."""
        return [" ".join(e["text"].split()) for e in self.elements if e["tag"] == tag and ancestor_id in e["inside"]]


@pytest.fixture
def page_of():
    def parse(response) -> Page:
        assert response.status_code == 200, response.status_code
        return Page(response.get_data(as_text=True))

    return parse
