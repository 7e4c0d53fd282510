"""Helpers for the list pages' tests: reading a list back from its page, following its links."""

from __future__ import annotations

import re
from html import unescape

import pytest

from incidents.breaches import service
from incidents.extensions import db

from ..support.html import TableParser


def table(response, table_id: str) -> TableParser:
    parser = TableParser(table_id)
    parser.feed(response.get_data(as_text=True))
    assert parser.complete, f"no table#{table_id} on the page ({response.status_code})"
    return parser


def column(response, table_id: str, attribute: str) -> list[str]:
    """The given attribute of every body row of the table, in page order."""
    return [attrs[attribute] for attrs, _cells in table(response, table_id).rows]


def position(response, element_id: str) -> str:
    found = re.search(
        r'<p class="list-position" id="' + element_id + r'"[^>]*>(.*?)</p>', response.get_data(as_text=True), re.S
    )
    assert found, f"no #{element_id} on the page"
    return " ".join(unescape(found.group(1)).split())


def link(response, pattern: str) -> str:
    """The href of the first <a> whose attributes or text match the regular expression."""
    for match in re.finditer(r"<a ([^>]*)>(.*?)</a>", response.get_data(as_text=True), re.S):
        if re.search(pattern, match.group(0)):
            href = re.search(r'href="([^"]*)"', match.group(1))
            assert href, match.group(0)
            return unescape(href.group(1))
    raise AssertionError(f"no link matching {pattern!r}")


def header(response, key: str) -> str:
    """The <th> of a sortable column, as written."""
    found = re.search(r'<th [^>]*data-sort="' + key + r'"[^>]*>', response.get_data(as_text=True))
    assert found, f"no sortable column {key}"
    return found.group(0)


def sort_link(response, key: str) -> str:
    found = re.search(
        r'<th [^>]*data-sort="' + key + r'"[^>]*>\s*<a class="sort" href="([^"]*)"', response.get_data(as_text=True)
    )
    assert found, f"no sort link for {key}"
    return unescape(found.group(1))


@pytest.fixture
def log_incident(app):
    """An incident through service.create_incident, committed as a request would."""

    def log(contracts, aware_at, title="Datalek", status="confirmed"):
        incident = service.create_incident(
            title=title, aware_at=aware_at, status=status, contract_ids=[c.id for c in contracts], now=aware_at
        )
        db.session.commit()
        return incident

    return log
