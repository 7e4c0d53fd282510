"""one_line: a name on one line, for a mail header or a chat message."""

from __future__ import annotations

import pytest

from incidents.core.one_line import one_line


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("Kliniek\nNoord", "Kliniek Noord"),
        ("Kliniek\r\nNoord", "Kliniek Noord"),
        ("Kliniek \r\n\r\n  Noord", "Kliniek Noord"),
        ("Kliniek\rNoord\n", "Kliniek Noord"),
        ("a\x0bb\x0cc\x1cd\x1de\x1ef\x85g\u2028h\u2029i", "a b c d e f g h i"),
        ("Kliniek\tNoord", "Kliniek Noord"),
        ("Kli\x00niek\x07 No\x1b[1mord\x7f\x9b", "Kliniek No[1mord"),
        ("\ud800Kliniek", "\ufffdKliniek"),
        ("  Zorggroep Één — ĳ € <b>&</b>  ", "Zorggroep Één — ĳ € <b>&</b>"),
        ("Subject: x\r\nBcc: spy@evil.example", "Subject: x Bcc: spy@evil.example"),
        ("", ""),
    ],
)
def test_line_breaks_become_a_space_and_control_characters_go(typed, shown):
    assert one_line(typed) == shown


def test_a_long_name_is_kept_whole():
    name = "Ĳsselzorg " * 500
    assert one_line(name) == name.strip()
    assert "\n" not in one_line("x\n" * 10_000)
