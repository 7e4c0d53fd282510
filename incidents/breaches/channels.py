"""Which channels a contract allows for its notices (a clause profile's notice_channels): a notice by another
channel is kept on record but fulfils nothing, and every output says why, quoting the clause."""

from __future__ import annotations

from ..core.profiles import ClauseProfile, cited
from .models import Filing
from .profile_pins import pinned_profiles

# A channel in the words of a Dutch document (the API's English text uses the codes).
DUTCH = {
    "email": "e-mail",
    "phone": "telefoon",
    "portal": "portaal",
    "letter": "brief",
    "in_person": "persoonlijk gesprek",
    "other": "ander middel",
}


def contract_profile(filing: Filing) -> ClauseProfile | None:
    """The clause profile of the contract a filing is about (None without one)."""
    if filing.contract_id is None:
        return None
    return pinned_profiles(filing.incident_id, [filing.contract_id]).get(filing.contract_id)


def channel_refusal(filing: Filing, profile: ClauseProfile | None, language: str = "en") -> str | None:
    """Why this notice fulfils nothing under its contract (whose clause profile is `profile`); None when it can
    fulfil its duty."""
    if filing.kind != "controller_notice" or profile is None or profile.allows(filing.channel):
        return None
    quote = cited(profile.channel_wording, profile.paraphrase, language)
    allowed = ", ".join(profile.notice_channels)
    if language == "en":
        return (
            f"{profile.source}, {profile.channel_clause}: {quote} A notice by {filing.channel} is kept on record but "
            f"fulfils nothing under this contract (allowed: {allowed})."
        )
    channel = DUTCH.get(filing.channel or "", filing.channel or "")
    allowed = ", ".join(DUTCH.get(c, c) for c in profile.notice_channels)
    return (
        f"{profile.source}, {profile.channel_clause}: {quote} Een melding per {channel} blijft vastgelegd, "
        f"maar vervult onder deze overeenkomst niets (toegestaan: {allowed})."
    )
