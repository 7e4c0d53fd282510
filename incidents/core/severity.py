"""Severity of a personal data breach by the ENISA 2013 method: SE = DPC × EI + CB.

The score supports the controller's decision; it never makes it (docs/DOMAIN.md section 4).
All inputs are multiples of 0.25 and DPC is a whole number, so the arithmetic is exact in floats
and the band boundaries (2, 3, 4) are compared without rounding error.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

# Data processing context: base score per data type; context may move it within 1–4.
DATA_TYPES = {"simple": 1, "behavioural": 2, "financial": 3, "sensitive": 4}
# Ease of identification.
IDENTIFICATION = {"negligible": 0.25, "limited": 0.5, "significant": 0.75, "maximum": 1.0}
# Circumstances of the breach, added up.
CONFIDENTIALITY = {"none": 0.0, "known_recipients": 0.25, "unknown_recipients": 0.5}
INTEGRITY = {"none": 0.0, "recoverable": 0.25, "not_recoverable": 0.5}
AVAILABILITY = {"none": 0.0, "temporary": 0.25, "full": 0.5}
MALICIOUS = 0.5

BANDS = (("low", 2.0), ("medium", 3.0), ("high", 4.0))  # upper bounds, exclusive; then very_high
AP_SEVERITY = {"low": "verwaarloosbaar", "medium": "beperkt", "high": "aanzienlijk", "very_high": "zeer groot"}


T = TypeVar("T")


class SeverityError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


@dataclass(frozen=True)
class Assessment:
    data_types: tuple[str, ...]
    identification: str
    dpc_adjustment: int = 0
    confidentiality: str = "none"
    integrity: str = "none"
    availability: str = "none"
    malicious: bool = False


@dataclass(frozen=True)
class Score:
    dpc: int
    ei: float
    cb: float
    se: float
    band: str
    ap_severity: str


def _choice(table: Mapping[str, T], value: str, field: str) -> T:
    if value not in table:
        raise SeverityError(field, f"{field} must be one of {', '.join(table)}")
    return table[value]


def band(se: float) -> str:
    for name, upper in BANDS:
        if se < upper:
            return name
    return "very_high"


def dpc(data_types: Iterable[str], adjustment: int = 0) -> int:
    types = list(data_types)
    if not types:
        raise SeverityError("data_types", "name at least one data type")
    base = max(_choice(DATA_TYPES, t, "data_types") for t in types)
    if isinstance(adjustment, bool) or not isinstance(adjustment, int) or not -3 <= adjustment <= 3:
        raise SeverityError("dpc_adjustment", "the context adjustment is a whole number from -3 to 3")
    return min(4, max(1, base + adjustment))


def score(assessment: Assessment) -> Score:
    context = dpc(assessment.data_types, assessment.dpc_adjustment)
    ei = _choice(IDENTIFICATION, assessment.identification, "identification")
    cb = (
        _choice(CONFIDENTIALITY, assessment.confidentiality, "confidentiality")
        + _choice(INTEGRITY, assessment.integrity, "integrity")
        + _choice(AVAILABILITY, assessment.availability, "availability")
        + (MALICIOUS if assessment.malicious else 0.0)
    )
    se = context * ei + cb
    named = band(se)
    return Score(context, ei, cb, se, named, AP_SEVERITY[named])
