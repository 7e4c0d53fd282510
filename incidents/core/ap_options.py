"""The wording of the AP form's answer options and of the codes the desk records, in Dutch and English
(docs/DOMAIN.md section 3). Pure: no Flask, no database; documents are rendered outside requests."""

from __future__ import annotations

OPTIONS: dict[str, dict[str, tuple[str, str]]] = {
    "incident_kind": {
        "email_wrong_recipient": ("E-mail naar verkeerde ontvanger", "E-mail to the wrong recipient"),
        "cc_not_bcc": ("Ontvangers in cc in plaats van bcc", "Recipients in CC instead of BCC"),
        "letter_wrong_address": ("Brief naar verkeerd adres", "Letter to the wrong address"),
        "letter_returned_opened": ("Brief geopend retour", "Letter returned opened"),
        "letter_lost": ("Brief kwijt", "Letter lost"),
        "wrong_authorisations": ("Verkeerde autorisaties", "Wrong authorisations"),
        "network_folders_open": ("Netwerkmappen te ruim toegankelijk", "Network folders too open"),
        "device_lost_stolen": (
            "Apparaat, USB-stick of papier kwijt of gestolen",
            "Device, USB stick or paper lost or stolen",
        ),
        "published_by_accident": ("Per ongeluk gepubliceerd", "Published by accident"),
        "hacking_malware_phishing": ("Hacking, malware of phishing", "Hacking, malware or phishing"),
        "wrong_file": ("Toegevoegd aan verkeerd dossier", "Added to the wrong file"),
        "other": ("Anders", "Other"),
    },
    "protection": {
        "encrypted": ("Ja, versleuteld", "Yes, encrypted"),
        "hashed": ("Ja, gehasht", "Yes, hashed"),
        "unintelligible": ("Ja, anderszins onbegrijpelijk", "Yes, otherwise unintelligible"),
        "none": ("Nee", "No"),
    },
    "subject_groups": {
        "employees": ("Werknemers", "Employees"),
        "customers": ("Klanten", "Customers"),
        "students": ("Leerlingen of studenten", "Pupils or students"),
        "patients": ("Patiënten", "Patients"),
        "minors": ("Minderjarigen", "Minors"),
        "vulnerable": ("Andere kwetsbare groepen", "Other vulnerable groups"),
        "other": ("Anders", "Other"),
    },
    "cross_border": {
        "yes": ("Ja", "Yes"),
        "no": ("Nee", "No"),
        "unknown": ("Onbekend", "Unknown"),
    },
    "nature": {
        # The AP's option reads "(mogelijk) ingezien": exfiltration is often not excluded rather than established.
        "confidentiality": (
            "Gegevens (mogelijk) ingezien door onbevoegden",
            "Data (possibly) seen by unauthorised people",
        ),
        "integrity": ("Gegevens gewijzigd", "Data altered"),
        "availability_full": ("Gegevens blijvend niet beschikbaar", "Data permanently unavailable"),
        "availability_temporary": ("Gegevens tijdelijk niet beschikbaar", "Data temporarily unavailable"),
    },
    "subjects_ground": {
        "not_high_risk": ("geen hoog risico voor de betrokkenen", "no high risk to the data subjects"),
        "unintelligible": (
            "gegevens onbegrijpelijk voor onbevoegden (art. 34 lid 3 sub a)",
            "data unintelligible to unauthorised people (Art. 34(3)(a))",
        ),
        "later_measures": (
            "hoog risico weggenomen door latere maatregelen (art. 34 lid 3 sub b)",
            "high risk removed by later measures (Art. 34(3)(b))",
        ),
        "disproportionate_effort": (
            "onevenredige inspanning: openbare mededeling (art. 34 lid 3 sub c)",
            "disproportionate effort: public communication (Art. 34(3)(c))",
        ),
    },
    "channel": {
        "email": ("e-mail", "e-mail"),
        "phone": ("telefoon", "phone"),
        "letter": ("brief", "letter"),
        "portal": ("portaal", "portal"),
        "in_person": ("persoonlijk", "in person"),
        "website": ("website", "website"),
        "social_media": ("sociale media", "social media"),
        "newspaper": ("krant", "newspaper"),
        "other": ("anders", "other"),
    },
    "reporter_kind": {
        "internal": ("Intern (eigen medewerker of systeem)", "Internal (own staff or system)"),
        "external": ("Extern", "External"),
        "sub_processor": ("Subverwerker", "Sub-processor"),
    },
    "follow_up": {
        "supplement": ("Aanvulling", "Supplement"),
        "change": ("Wijziging", "Change"),
        "withdrawal": ("Intrekking", "Withdrawal"),
    },
}


def option(group: str, code: str, language: str) -> str:
    dutch, english = OPTIONS[group].get(code, (code, code))
    return english if language == "en" else dutch


def natures(confidentiality: str, integrity: str, availability: str, language: str) -> list[str]:
    """The AP form's kinds of breach (chapter 5) that an ENISA assessment's circumstances establish."""
    found = []
    if confidentiality != "none":
        found.append(option("nature", "confidentiality", language))
    if integrity != "none":
        found.append(option("nature", "integrity", language))
    if availability in ("full", "temporary"):
        found.append(option("nature", f"availability_{availability}", language))
    return found
