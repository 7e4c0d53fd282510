"""Reading a table back from a page."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    content: list = field(default_factory=list)  # its text and its child elements, in document order

    @property
    def text(self) -> str:
        """Its text and its children's, as written (whitespace kept)."""
        return "".join(part if isinstance(part, str) else part.text for part in self.content)

    def all(self, *tags: str) -> list[Element]:
        """The elements under this one with one of these tags, in document order."""
        found = []
        for part in self.content:
            if isinstance(part, Element):
                if part.tag in tags:
                    found.append(part)
                found.extend(part.all(*tags))
        return found


def squeeze(text: str) -> str:
    return " ".join(text.split())


class TableParser(HTMLParser):
    """One table of a page, by id, read into its elements; ``lang`` is the page's language.

    Two readings of it: ``headers`` and ``rows`` (the header texts, and per body row its attributes and cell texts,
    whitespace collapsed, leaving out rows of the "nothing here" kind, with a td.muted), and ``keyed()`` (per
    body group, the text of every element that carries a data-key)."""

    def __init__(self, table_id: str):
        super().__init__(convert_charrefs=True)
        self.table_id = table_id
        self.lang = "nl"
        self.table: Element | None = None
        self._open: list[Element] = []  # the open elements inside the table, the table first

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "html":
            self.lang = attrs.get("lang") or "nl"
        if not self._open:
            if tag == "table" and attrs.get("id") == self.table_id and self.table is None:
                self.table = Element(tag, attrs)
                self._open.append(self.table)
            return
        element = Element(tag, attrs)
        self._open[-1].content.append(element)
        if tag not in VOID:
            self._open.append(element)

    def handle_endtag(self, tag):
        for position in range(len(self._open) - 1, -1, -1):
            if self._open[position].tag == tag:
                del self._open[position:]
                return

    def handle_data(self, data):
        if self._open:
            self._open[-1].content.append(data)

    @property
    def complete(self) -> bool:
        """The table was found, and closed."""
        return self.table is not None and not self._open

    # --- header texts and rows ---

    @property
    def headers(self) -> list[str]:
        if self.table is None:
            return []
        return [squeeze(cell.text) for head in self.table.all("thead") for cell in head.all("th", "td")]

    @property
    def rows(self) -> list[tuple[dict, list[str]]]:
        if self.table is None:
            return []
        rows = []
        for body in self.table.all("tbody"):
            for row in body.all("tr"):
                cells = row.all("th", "td")
                if not any("muted" in cell.attrs.get("class", "") for cell in cells):
                    rows.append((row.attrs, [squeeze(cell.text) for cell in cells]))
        return rows

    # --- data-key readings ---

    def keyed(self) -> tuple[dict[str, str], list[dict[str, str]]]:
        """The header text of each data-key (its th or dt; one text per key) and, per body group that carries a
        data-reference, the text of each td or dd by data-key (once per group). Text as written."""
        headers: dict[str, str] = {}
        rows: list[dict[str, str]] = []
        if self.table is None:
            return headers, rows
        for head in self.table.all("th", "dt"):
            if "data-key" in head.attrs:
                key = head.attrs["data-key"]
                assert headers.setdefault(key, head.text) == head.text, key
        for body in self.table.all("tbody"):
            if "data-reference" in body.attrs:
                row: dict[str, str] = {}
                for cell in body.all("td", "dd"):
                    if "data-key" in cell.attrs:
                        assert cell.attrs["data-key"] not in row, f"{cell.attrs['data-key']} twice in one group"
                        row[cell.attrs["data-key"]] = cell.text
                rows.append(row)
        return headers, rows
