"""Words for the incident kinds of the AP's form (core/ap_form.py INCIDENT_KINDS), plus "unknown"."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..core.ap_form import INCIDENT_KINDS

INCIDENT_KIND_LABELS = {
    "email_wrong_recipient": _l("E-mail to the wrong recipient"),
    "cc_not_bcc": _l("CC instead of BCC"),
    "letter_wrong_address": _l("Letter to the wrong address"),
    "letter_returned_opened": _l("Letter returned opened"),
    "letter_lost": _l("Letter lost"),
    "wrong_authorisations": _l("Wrong authorisations"),
    "network_folders_open": _l("Network folders too open"),
    "device_lost_stolen": _l("Device, USB stick or paper lost or stolen"),
    "published_by_accident": _l("Published by accident"),
    "hacking_malware_phishing": _l("Hacking, malware or phishing"),
    "wrong_file": _l("Added to the wrong file"),
    "other": _l("Other"),
    "unknown": _l("Unknown"),
}
assert set(INCIDENT_KIND_LABELS) == {*INCIDENT_KINDS, "unknown"}
