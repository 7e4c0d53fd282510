"""Realistic demo data: healthcare controllers on the six clause profiles, incidents in several states.

The parties of the source contracts (Doctolib, Citodent, Zivver, RSO Zorgring Noord-Holland) appear
as customers, next to fictional practices. KvK numbers and e-mail addresses are made up.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from ..breaches import service as breaches
from ..breaches.assessment import record_severity
from ..core.instants import utcnow
from ..extensions import db
from ..parties import service as parties
from ..parties.models import Contract, Controller

CONTROLLERS = [
    # name, kvk, contact, e-mail, language, [(profile, services, data categories), ...]
    ("Doctolib B.V.", "90000001", "Privacy Office", "privacy@doctolib.example", "nl",
     [("doctolib", "Hosting agenda en patiëntenportaal", "NAW, contactgegevens, afspraken, gezondheidsgegevens"),
      ("doctolib", "Doctolib Connect berichtendienst", "berichten tussen zorgverleners, BSN")]),
    ("Citodent Imaging B.V.", "90000002", "Functionaris gegevensbescherming", "fg@citodent.example", "nl",
     [("citodent", "VisiQuick beeldopslag", "BSN, röntgenfoto's, tandheelkundige notities"),
      ("citodent", "Back-up beeldarchief", "röntgenfoto's")]),
    ("Zivver B.V.", "90000003", "Security & Privacy", "privacy@zivver.example", "nl",
     [("boz-72h", "Beveiligde e-mail, bijlagen", "berichtinhoud, e-mailadressen")]),
    ("Stichting RSO Zorgring Noord-Holland", "90000004", "FG Zorgring", "fg@zorgring.example", "nl",
     [("boz-72h", "Regionaal zorgnetwerk: uitwisseling", "gezondheidsgegevens, BSN"),
      ("boz-24h", "Verwijsportaal", "verwijsbrieven, NAW")]),
    ("Tandartspraktijk De Molen", "90000005", "Dr. S. de Vries", "praktijk@demolen.example", "nl",
     [("citodent", "Röntgenbeelden", "BSN, röntgenfoto's"), ("gdpr-art33", "Afsprakenmodule", "NAW, afspraken")]),
    ("Huisartsenpraktijk Het Ĳsselhof", "90000006", "mw. E. Ëlzinga", "fg@ijsselhof.example", "nl",
     [("doctolib", "Online afspraken", "NAW, afspraken, klachten"), ("boz-24h", "Berichtenbox", "medische vragen")]),
    ("Ziekenhuis Noordwest Kliniek", "90000007", "Functionaris gegevensbescherming", "fg@nwkliniek.example", "nl",
     [("boz-72h", "Beveiligde e-mail afdeling cardiologie", "gezondheidsgegevens"),
      ("boz-72h", "Beveiligde e-mail afdeling oncologie", "gezondheidsgegevens"),
      ("boz-24h", "Patiëntportaal", "gezondheidsgegevens, BSN"),
      ("addendum-gegevensbescherming", "Spraakherkenning verslaglegging", "spraakopnamen, verslagen")]),
    ("GGZ Kustland", "90000008", "Privacy officer", "privacy@ggzkustland.example", "nl",
     [("boz-24h", "Behandelplannen", "bijzondere persoonsgegevens (GGZ)"),
      ("gdpr-art33", "Personeelsplanning", "NAW medewerkers")]),
    ("Fysiotherapie Centrum Oost", "90000009", "J. Bakker", "info@fysio-oost.example", "nl",
     [("addendum-gegevensbescherming", "Oefenapp", "gezondheidsgegevens, gebruiksgegevens"),
      ("gdpr-art33", "Nieuwsbrief", "e-mailadressen")]),
    ("Apotheek Centraal", "90000010", "Apotheker A. Yilmaz", "fg@apotheekcentraal.example", "nl",
     [("addendum-gegevensbescherming", "Herhaalrecepten", "medicatiegegevens, BSN"),
      ("doctolib", "Afhaalmeldingen", "telefoonnummers")]),
    ("Verloskundigenpraktijk Maas", "90000011", "L. Maas", "praktijk@vkmaas.example", "nl",
     [("citodent", "Echobeelden", "echo's, zwangerschapsgegevens"), ("boz-72h", "Beveiligde e-mail", "berichten")]),
    ("North Sea Medical Research Ltd.", "90000012", "Data Protection Officer", "dpo@nsmr.example", "en",
     [("gdpr-art33", "Research data platform", "pseudonymised health data"),
      ("addendum-gegevensbescherming", "Trial participant portal", "contact details, consent records")]),
    ("Jeugdzorg Regio West", "90000013", "FG", "fg@jeugdzorgwest.example", "nl",
     [("boz-24h", "Dossieruitwisseling", "gegevens minderjarigen, BSN"),
      ("boz-72h", "Beveiligde e-mail", "berichten")]),
    ("Laboratorium Delta", "90000014", "Kwaliteitsfunctionaris", "kwaliteit@labdelta.example", "nl",
     [("gdpr-art33", "Uitslagenportaal", "labuitslagen, BSN"), ("doctolib", "Afspraken bloedafname", "NAW")]),
]


def demo_present() -> bool:
    return db.session.scalar(select(Controller.id).limit(1)) is not None


def load(actor=None) -> dict[str, int]:
    """Create the demo controllers, contracts and incidents (the caller commits)."""
    contracts: dict[str, list[Contract]] = {}
    n = 0
    for name, kvk, contact, email, language, rows in CONTROLLERS:
        controller = parties.create_controller(
            {"name": name, "kvk": kvk, "contact_name": contact, "contact_email": email, "language": language}
        )
        for profile, services, categories in rows:
            n += 1
            contract = parties.create_contract({
                "controller_id": controller.id, "profile": profile, "reference": f"VO-{2026}-{n:03d}",
                "services": services, "data_categories": categories,
            })
            contracts.setdefault(profile, []).append(contract)

    now = utcnow()
    hours = lambda h: now - timedelta(hours=h)  # noqa: E731

    def ids(*picks: tuple[str, int]) -> list[int]:
        return [contracts[p][i].id for p, i in picks]

    # 1. Ransomware at the hosting platform: confirmed 3 h ago, many controllers, one notice already out.
    ransomware = breaches.create_incident(
        title="Ransomware op hostingcluster AMS-2",
        description="Versleutelde bestanden aangetroffen op de opslag van cluster AMS-2; exfiltratie niet uitgesloten.",
        aware_at=hours(5), status="confirmed", confirmed_at=hours(3),
        contract_ids=ids(("boz-72h", 0), ("boz-72h", 1), ("doctolib", 0), ("citodent", 0), ("boz-24h", 0),
                         ("addendum-gegevensbescherming", 0)),
        fields={"nature": "Ransomware-aanval; bestanden versleuteld, mogelijk gekopieerd.",
                "cause": "Misbruik van een niet-gepatchte VPN-appliance (vermoedelijk).",
                "measures": "Cluster geïsoleerd, back-ups veiliggesteld, forensisch onderzoek gestart."},
        details={"incident_kind": "hacking_malware_phishing", "started_at": hours(9), "protection": "none",
                 "discovery": "Monitoring sloeg alarm op massale bestandswijzigingen.",
                 "subject_groups": ["patients"], "subjects_min": 12000, "subjects_max": 40000, "cross_border": "no"},
        actor=actor, now=hours(3),
    )
    record_severity(ransomware, {"data_types": ["sensitive"], "identification": "maximum",
                                 "confidentiality": "unknown_recipients", "availability": "temporary",
                                 "malicious": True, "note": "Gezondheidsgegevens; exfiltratie niet uitgesloten."},
                    actor=actor, now=hours(2))
    breaches.record_filing(ransomware, kind="controller_notice", contract_id=contracts["boz-72h"][0].id,
                           at=hours(2), channel="email", actor=actor)

    # 2. Suspected misdirected e-mail: only the citodent clock (suspicion) runs.
    breaches.create_incident(
        title="E-mail met röntgenfoto's naar verkeerde ontvanger",
        description="Een medewerker meldt dat een export mogelijk naar een verkeerd adres is verstuurd.",
        aware_at=hours(1), status="suspected",
        contract_ids=ids(("citodent", 1), ("citodent", 2), ("gdpr-art33", 0)),
        actor=actor,
    )

    # 3. Confirmed 30 h ago: the doctolib notice is overdue, the BOZ-72 notice met, AP decision recorded.
    leak = breaches.create_incident(
        title="Onbeveiligde opslagbucket met afsprakenexports",
        description="Een opslagbucket met exports van afspraken was publiek leesbaar.",
        aware_at=hours(32), status="confirmed", confirmed_at=hours(30),
        contract_ids=ids(("doctolib", 2), ("boz-72h", 2), ("gdpr-art33", 1)),
        fields={"nature": "Publiek leesbare opslag (vertrouwelijkheid).",
                "affected_data": "NAW, afspraakdata, telefoonnummers.",
                "consequences": "Mogelijk phishing gericht op patiënten.",
                "measures": "Bucket afgesloten; toegangslogs worden geanalyseerd."},
        details={"incident_kind": "published_by_accident", "started_at": hours(24 * 9), "ended_at": hours(31),
                 "subject_groups": ["patients", "customers"], "subjects_min": 3200, "subjects_max": 3200},
        actor=actor, now=hours(30),
    )
    breaches.record_filing(leak, kind="controller_notice", contract_id=contracts["boz-72h"][2].id, at=hours(20),
                           actor=actor)
    breaches.record_decision(leak, controller_id=contracts["boz-72h"][2].controller_id, notify_ap="no",
                             reason="Geen bijzondere persoonsgegevens; logs tonen geen downloads.", actor=actor)

    # 4. Dismissed: a lost laptop that turned out to be fully encrypted and was found.
    laptop = breaches.create_incident(
        title="Laptop kwijt op station Utrecht",
        aware_at=hours(50), status="suspected", contract_ids=ids(("addendum-gegevensbescherming", 1)),
        actor=actor, now=hours(50),
    )
    breaches.dismiss(laptop, "Laptop teruggevonden; volledige schijfversleuteling actief, geen toegang gehad.",
                     actor=actor, now=hours(46))

    # 5. An older incident where everything was done on time and the AP was notified.
    done = breaches.create_incident(
        title="Verkeerde autorisaties in verwijsportaal",
        aware_at=hours(140), status="confirmed", confirmed_at=hours(138),
        contract_ids=ids(("boz-24h", 1)),
        fields={"nature": "Medewerkers van een andere praktijk konden verwijsbrieven inzien.",
                "affected_data": "Verwijsbrieven, NAW.", "consequences": "Inzage door onbevoegde zorgverleners.",
                "measures": "Autorisaties hersteld, toegangslog gecontroleerd."},
        details={"incident_kind": "wrong_authorisations", "protection": "none", "subject_groups": ["patients"]},
        actor=actor, now=hours(138),
    )
    first = contracts["boz-24h"][1]
    breaches.record_filing(done, kind="controller_notice", contract_id=first.id, at=hours(130), actor=actor)
    breaches.record_filing(done, kind="controller_consultation", contract_id=first.id, at=hours(120), actor=actor)
    breaches.record_decision(done, controller_id=first.controller_id, notify_ap="yes",
                             reason="Gezondheidsgegevens ingezien door onbevoegden.", actor=actor)
    breaches.record_filing(done, kind="ap_notification", controller_id=first.controller_id, at=hours(100),
                           reference="M-2026-104233", actor=actor)
    breaches.record_filing(done, kind="ap_follow_up", controller_id=first.controller_id, at=hours(60),
                           reference="M-2026-104233", follow_up="supplement",
                           note="Aantal betrokkenen vastgesteld na logonderzoek.", actor=actor)
    return {"controllers": len(CONTROLLERS), "contracts": n, "incidents": 5}
