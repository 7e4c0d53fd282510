"""ENISA 2013: SE = DPC × EI + CB, checked against hand-computed examples at every band boundary."""

from __future__ import annotations

import pytest

from incidents.core.severity import Assessment, SeverityError, band, dpc, score


@pytest.mark.parametrize(
    ("assessment", "se", "expected_band", "ap"),
    [
        # simple data (1), negligible identification (0.25), nothing else: 0.25 → low
        (Assessment(("simple",), "negligible"), 0.25, "low", "verwaarloosbaar"),
        # behavioural (2) × maximum (1) = 2.0: exactly the low/medium boundary → medium
        (Assessment(("behavioural",), "maximum"), 2.0, "medium", "beperkt"),
        # behavioural (2) × significant (0.75) = 1.5, + known recipients 0.25 = 1.75 → low
        (
            Assessment(("behavioural",), "significant", confidentiality="known_recipients"),
            1.75,
            "low",
            "verwaarloosbaar",
        ),
        # financial (3) × significant (0.75) = 2.25, + unknown recipients 0.5 + temporary 0.25 = 3.0 → high
        (
            Assessment(("financial",), "significant", confidentiality="unknown_recipients", availability="temporary"),
            3.0,
            "high",
            "aanzienlijk",
        ),
        # financial (3) × limited (0.5) = 1.5, + 0.5 + 0.25 + 0.5 (malicious) = 2.75 → medium
        (
            Assessment(
                ("financial",), "limited", confidentiality="unknown_recipients", integrity="recoverable", malicious=True
            ),
            2.75,
            "medium",
            "beperkt",
        ),
        # sensitive (4) × maximum (1) = 4.0: exactly the high/very-high boundary → very high
        (Assessment(("sensitive",), "maximum"), 4.0, "very_high", "zeer groot"),
        # sensitive (4) × significant (0.75) = 3.0, + 0.5 + 0.25 (integrity recoverable) = 3.75 → high
        (
            Assessment(("sensitive",), "significant", confidentiality="unknown_recipients", integrity="recoverable"),
            3.75,
            "high",
            "aanzienlijk",
        ),
        # several types: the highest counts (sensitive 4), moved down by context −1 → 3; × 0.5 = 1.5, + 0.5 → 2.0
        (
            Assessment(("simple", "sensitive"), "limited", dpc_adjustment=-1, availability="full"),
            2.0,
            "medium",
            "beperkt",
        ),
        # every circumstance at its maximum: 4 × 1 + 0.5 + 0.5 + 0.5 + 0.5 = 6.0
        (
            Assessment(
                ("sensitive",),
                "maximum",
                confidentiality="unknown_recipients",
                integrity="not_recoverable",
                availability="full",
                malicious=True,
            ),
            6.0,
            "very_high",
            "zeer groot",
        ),
    ],
)
def test_worked_examples(assessment, se, expected_band, ap):
    result = score(assessment)
    assert result.se == se
    assert result.band == expected_band
    assert result.ap_severity == ap


@pytest.mark.parametrize(
    ("se", "expected"),
    [
        (1.75, "low"),
        (1.999, "low"),
        (2.0, "medium"),
        (2.75, "medium"),
        (2.999, "medium"),
        (3.0, "high"),
        (3.75, "high"),
        (3.999, "high"),
        (4.0, "very_high"),
        (6.0, "very_high"),
    ],
)
def test_band_boundaries(se, expected):
    assert band(se) == expected


def test_context_moves_dpc_within_one_to_four():
    assert dpc(["simple"], -3) == 1
    assert dpc(["simple"], +1) == 2
    assert dpc(["financial"], +3) == 4
    assert dpc(["behavioural", "financial"]) == 3


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"data_types": (), "identification": "maximum"}, "data_types"),
        ({"data_types": ("secret",), "identification": "maximum"}, "data_types"),
        ({"data_types": ("simple",), "identification": "total"}, "identification"),
        ({"data_types": ("simple",), "identification": "maximum", "dpc_adjustment": 4}, "dpc_adjustment"),
        ({"data_types": ("simple",), "identification": "maximum", "confidentiality": "some"}, "confidentiality"),
        ({"data_types": ("simple",), "identification": "maximum", "integrity": "x"}, "integrity"),
        ({"data_types": ("simple",), "identification": "maximum", "availability": "x"}, "availability"),
    ],
)
def test_invalid_input_names_the_field(kwargs, field):
    with pytest.raises(SeverityError) as raised:
        score(Assessment(**kwargs))
    assert raised.value.field == field
