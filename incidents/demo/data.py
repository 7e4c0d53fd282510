"""Realistic demo data: care providers (the controllers) on the six clause profiles, incidents in several states.

The desk's user is the processor (PROCESSOR_NAME). Its customers, the controllers, are care providers: hospitals,
GP practices, dental practices, a pharmacy, mental-health care, youth care, a lab and a research foundation. The
companies behind the source contracts (Doctolib, Citodent, Zivver) are processors themselves and the reseller in
the Zivver text (RSO Zorgring Noord-Holland) is no controller either: none of them appears as a customer. A clause
profile is the kind of breach clause a contract has, modelled on those texts, never a party. Names, KvK numbers,
addresses, phone numbers and e-mail addresses are made up.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from ..breaches import service as breaches
from ..breaches.assessment import record_severity
from ..breaches.scope import set_scope
from ..breaches.service import FilingInput, Reporter
from ..core.instants import utcnow
from ..core.scope import totals
from ..extensions import db
from ..parties import service as parties
from ..parties import sub_processors as sub_processor_list
from ..parties.models import Contract, Controller
from ..regimes import registry as regime_registry
from ..regimes import service as regimes

# The kind of breach clause each profile stands for, as the contract's services name it.
CLAUSES = {
    "doctolib": "clausule naar model Doctolib-verwerkersovereenkomst",
    "citodent": "clausule naar model Citodent-verwerkersovereenkomst",
    "boz-72h": "BOZ-model, meldtermijn verruimd tot 72 uur",
    "boz-24h": "BOZ-model, meldtermijn 24 uur",
    "addendum-gegevensbescherming": "clausule naar model Addendum Gegevensbescherming",
    "gdpr-art33": "geen eigen meldclausule, AVG art. 33 lid 2",
}

# Each controller: its record, then its contracts with our processor as (handle, profile, what we do for it,
# data categories). The handle only picks contracts for the demo incidents below.
CONTROLLERS: list[tuple[dict[str, Any], list[tuple[str, str, str, str]]]] = [
    (
        {
            "name": "Ziekenhuis Noordwest Kliniek",
            "kvk": "90000007",
            "contact_name": "drs. M. Jansen",
            "contact_function": "Functionaris gegevensbescherming",
            "contact_email": "fg@nwkliniek.example",
            "contact_phone": "072-5481000",
            "address": "Wilhelminalaan 12, 1815 JD Alkmaar",
            "sector": "Zorg: ziekenhuis",
            "dpo_registration": "FG003817",
            "subjects_contact": "Patiëntenservice Noordwest Kliniek, 072-5481100 (werkdagen 8.30–17.00 uur), "
            "patientenservice@nwkliniek.example",
        },
        [
            (
                "nwk-mail-cardio",
                "boz-72h",
                "Beveiligde e-mail afdeling cardiologie",
                "gezondheidsgegevens, e-mailadressen",
            ),
            ("nwk-mail-onco", "boz-72h", "Beveiligde e-mail afdeling oncologie", "gezondheidsgegevens, e-mailadressen"),
            ("nwk-portal", "boz-24h", "Hosting patiëntportaal MijnNoordwest", "NAW, BSN, gezondheidsgegevens"),
            (
                "nwk-speech",
                "addendum-gegevensbescherming",
                "Spraakherkenning en opslag verslaglegging",
                "spraakopnamen, medische verslagen",
            ),
        ],
    ),
    (
        {
            "name": "Huisartsenpraktijk Het Ĳsselhof",
            "kvk": "90000006",
            "contact_name": "mw. E. Ëlzinga",
            "contact_function": "Praktijkmanager",
            "contact_email": "praktijk@ijsselhof.example",
            "contact_phone": "0570-612345",
            "address": "Ĳsselkade 4, 7411 AB Deventer",
            "sector": "Zorg: huisartsenzorg",
            "subjects_contact": "Huisartsenpraktijk Het Ĳsselhof, 0570-612345 (werkdagen 8.00–10.00 uur), "
            "of aan de balie bij de assistente",
        },
        [
            (
                "ijs-agenda",
                "doctolib",
                "Hosting online afsprakenmodule",
                "NAW, contactgegevens, afspraken, reden van komst",
            ),
            ("ijs-berichten", "boz-24h", "Beveiligde berichtenbox voor patiënten", "medische vragen, contactgegevens"),
        ],
    ),
    (
        {
            "name": "Tandartspraktijk De Molen",
            "kvk": "90000005",
            "contact_name": "dr. S. de Vries",
            "contact_function": "Tandarts-eigenaar",
            "contact_email": "praktijk@demolen.example",
            "contact_phone": "010-4567890",
            "address": "Molenstraat 21, 3011 CD Rotterdam",
            "sector": "Zorg: mondzorg",
            "subjects_contact": "Tandartspraktijk De Molen, 010-4567890, praktijk@demolen.example",
        },
        [
            ("molen-rx", "citodent", "Opslag en weergave röntgenbeelden", "NAW, geboortedatum, röntgenfoto's"),
            ("molen-agenda", "gdpr-art33", "Afsprakenmodule en sms-herinneringen", "NAW, telefoonnummers, afspraken"),
        ],
    ),
    (
        {
            "name": "Mondzorgcentrum Zaanstreek",
            "kvk": "90000002",
            "contact_name": "mr. P. Koster",
            "contact_function": "Privacy officer",
            "contact_email": "privacy@mondzorgzaanstreek.example",
            "contact_phone": "075-6123456",
            "address": "Westzijde 88, 1506 EK Zaandam",
            "sector": "Zorg: mondzorg (drie vestigingen)",
            "dpo_registration": "FG004452",
            "subjects_contact": "Mondzorgcentrum Zaanstreek, afdeling Patiëntzaken, 075-6123456, "
            "patientzaken@mondzorgzaanstreek.example",
        },
        [
            (
                "zaan-rx",
                "citodent",
                "Centraal beeldarchief röntgenfoto's en intraorale scans",
                "BSN, röntgenfoto's, tandheelkundige notities",
            ),
            ("zaan-backup", "citodent", "Back-up beeldarchief op tweede locatie", "röntgenfoto's"),
        ],
    ),
    (
        {
            "name": "Huisartsenpost Noord-Holland Noord",
            "kvk": "90000004",
            "contact_name": "drs. R. Visser",
            "contact_function": "Functionaris gegevensbescherming",
            "contact_email": "fg@hapnhn.example",
            "contact_phone": "072-5123456",
            "address": "Wilhelminalaan 14, 1815 JD Alkmaar",
            "sector": "Zorg: huisartsenspoedpost",
            "dpo_registration": "FG005190",
            "subjects_contact": "Huisartsenpost Noord-Holland Noord, secretariaat 072-5123400 (werkdagen), "
            "privacy@hapnhn.example",
        },
        [
            (
                "hap-waarneming",
                "boz-72h",
                "Uitwisseling waarneemberichten met de eigen huisartsen",
                "gezondheidsgegevens, BSN",
            ),
            ("hap-verwijs", "boz-24h", "Hosting verwijsportaal", "verwijsbrieven, NAW"),
        ],
    ),
    (
        {
            "name": "GGZ Kustland",
            "kvk": "90000008",
            "contact_name": "A. Bouali",
            "contact_function": "Privacy officer",
            "contact_email": "privacy@ggzkustland.example",
            "contact_phone": "0223-654321",
            "address": "Duinweg 3, 1782 AA Den Helder",
            "sector": "Zorg: geestelijke gezondheidszorg",
            "dpo_registration": "FG002871",
            "subjects_contact": "Cliëntenservice GGZ Kustland, 0223-654300, clientenservice@ggzkustland.example; "
            "medewerkers: afdeling HR, hr@ggzkustland.example",
        },
        [
            (
                "ggz-plannen",
                "boz-24h",
                "Hosting behandelplannen en ROM-vragenlijsten",
                "bijzondere persoonsgegevens (GGZ), BSN",
            ),
            ("ggz-rooster", "gdpr-art33", "Personeelsplanning en roosters", "NAW medewerkers, contactgegevens"),
        ],
    ),
    (
        {
            "name": "Fysiotherapie Centrum Oost",
            "kvk": "90000009",
            "contact_name": "J. Bakker",
            "contact_function": "Praktijkhouder",
            "contact_email": "info@fysio-oost.example",
            "contact_phone": "053-4321098",
            "address": "Oldenzaalsestraat 140, 7514 DR Enschede",
            "sector": "Zorg: fysiotherapie",
            "subjects_contact": "Fysiotherapie Centrum Oost, 053-4321098",
        },
        [
            (
                "fysio-app",
                "addendum-gegevensbescherming",
                "Hosting oefenapp voor patiënten",
                "gezondheidsgegevens, gebruiksgegevens",
            ),
            ("fysio-nieuws", "gdpr-art33", "Verzending nieuwsbrief", "e-mailadressen"),
        ],
    ),
    (
        {
            "name": "Apotheek Centraal",
            "kvk": "90000010",
            "contact_name": "A. Yilmaz",
            "contact_function": "Beherend apotheker",
            "contact_email": "fg@apotheekcentraal.example",
            "contact_phone": "030-2345678",
            "address": "Vredenburg 7, 3511 BA Utrecht",
            "sector": "Zorg: openbare apotheek",
            "subjects_contact": "Apotheek Centraal, 030-2345678, aan de balie of info@apotheekcentraal.example",
        },
        [
            ("apo-recept", "addendum-gegevensbescherming", "Hosting herhaalreceptservice", "medicatiegegevens, BSN"),
            ("apo-afhaal", "doctolib", "Verzending afhaalmeldingen per sms", "telefoonnummers"),
        ],
    ),
    (
        {
            "name": "Verloskundigenpraktijk Maas",
            "kvk": "90000011",
            "contact_name": "L. Maas",
            "contact_function": "Verloskundige-eigenaar",
            "contact_email": "praktijk@vkmaas.example",
            "contact_phone": "043-3216549",
            "address": "Maasboulevard 30, 6211 JW Maastricht",
            "sector": "Zorg: verloskunde",
            "subjects_contact": "Verloskundigenpraktijk Maas, 043-3216549",
        },
        [
            ("maas-echo", "citodent", "Opslag echobeelden", "echo's, zwangerschapsgegevens"),
            ("maas-mail", "boz-72h", "Beveiligde e-mail", "berichten"),
        ],
    ),
    (
        {
            "name": "Stichting Noordzee Medisch Onderzoek",
            "kvk": "90000012",
            "contact_name": "dr. H. Smit",
            "contact_function": "Functionaris gegevensbescherming",
            "contact_email": "fg@noordzeeonderzoek.example",
            "contact_phone": "071-5276000",
            "address": "Zernikedreef 9, 2333 CK Leiden",
            "sector": "Medisch-wetenschappelijk onderzoek",
            "dpo_registration": "FG006023",
            "joint_controllers": "Ziekenhuis Noordwest Kliniek, voor de studie HART-NH (regeling volgens AVG art. 26)",
            "subjects_contact": "Studiesecretariaat, 071-5276010, studies@noordzeeonderzoek.example",
        },
        [
            ("nzmo-platform", "gdpr-art33", "Hosting onderzoeksdataplatform", "gepseudonimiseerde gezondheidsgegevens"),
            (
                "nzmo-portal",
                "addendum-gegevensbescherming",
                "Deelnemersportaal klinische studies",
                "contactgegevens, toestemmingsformulieren",
            ),
        ],
    ),
    (
        {
            "name": "Jeugdzorg Regio West",
            "kvk": "90000013",
            "contact_name": "mr. K. de Boer",
            "contact_function": "Functionaris gegevensbescherming",
            "contact_email": "fg@jeugdzorgwest.example",
            "contact_phone": "010-7654321",
            "address": "Schiedamseweg 50, 3025 AD Rotterdam",
            "sector": "Jeugdzorg",
            "dpo_registration": "FG003345",
            "subjects_contact": "Jeugdzorg Regio West, 010-7654300; jongeren kunnen ook terecht bij een "
            "vertrouwenspersoon van het AKJ",
        },
        [
            ("jz-dossier", "boz-24h", "Hosting dossieruitwisseling met wijkteams", "gegevens minderjarigen, BSN"),
            ("jz-mail", "boz-72h", "Beveiligde e-mail", "berichten, bijlagen"),
        ],
    ),
    (
        {
            "name": "Laboratorium Delta",
            "kvk": "90000014",
            "contact_name": "ing. T. Hoekstra",
            "contact_function": "Kwaliteitsfunctionaris",
            "contact_email": "kwaliteit@labdelta.example",
            "contact_phone": "0118-123456",
            "address": "Koudekerkseweg 88, 4382 EE Vlissingen",
            "sector": "Zorg: medisch laboratorium",
            "subjects_contact": "Laboratorium Delta, 0118-123456, of de eigen huisarts",
        },
        [
            ("lab-uitslag", "gdpr-art33", "Hosting uitslagenportaal", "labuitslagen, BSN"),
            ("lab-agenda", "doctolib", "Afsprakenmodule bloedafname", "NAW, afspraken"),
        ],
    ),
    (
        {
            "name": "Medisch Centrum Zuiderpark",
            "kvk": "90000001",
            "contact_name": "drs. I. Peeters",
            "contact_function": "Functionaris gegevensbescherming",
            "contact_email": "fg@mczuiderpark.example",
            "contact_phone": "070-3456789",
            "address": "Zuiderparklaan 200, 2574 HK Den Haag",
            "sector": "Zorg: ziekenhuis",
            "dpo_registration": "FG001986",
            "subjects_contact": "Patiëntenservice MC Zuiderpark, 070-3456700, patientenservice@mczuiderpark.example",
        },
        [
            (
                "mcz-agenda",
                "doctolib",
                "Hosting afsprakenmodule poliklinieken",
                "NAW, contactgegevens, afspraken, gezondheidsgegevens",
            ),
            (
                "mcz-berichten",
                "doctolib",
                "Berichtendienst tussen zorgverleners",
                "berichten tussen zorgverleners, BSN",
            ),
        ],
    ),
    (
        {
            "name": "Revalidatiecentrum De Hoogte",
            "kvk": "90000003",
            "contact_name": "W. Mulder",
            "contact_function": "Privacy officer",
            "contact_email": "privacy@dehoogte.example",
            "contact_phone": "026-3334455",
            "address": "Hoogteweg 1, 6816 AA Arnhem",
            "sector": "Zorg: medisch-specialistische revalidatie",
            "dpo_registration": "FG004810",
            "subjects_contact": "Revalidatiecentrum De Hoogte, cliëntenbureau, 026-3334400",
        },
        [("hoogte-mail", "boz-72h", "Afsprakenplanning en beveiligde e-mail", "NAW, afspraken, berichtinhoud")],
    ),
    (
        # A care group that runs the shared chain-care system for its affiliated GP practices: for their patients'
        # data it is their processor, so it is a processor-customer (is_processor): it passes our notices on.
        {
            "name": "Huisartsenzorggroep West-Friesland",
            "kvk": "90000011",
            "contact_name": "mr. E. de Boer",
            "contact_function": "Functionaris gegevensbescherming",
            "contact_email": "fg@zorggroepwf.example",
            "contact_phone": "0229-287700",
            "address": "Maelsonstraat 3, 1624 NP Hoorn",
            "sector": "Zorg: huisartsenzorggroep (ketenzorg)",
            "dpo_registration": "FG005122",
            "subjects_contact": "Zorggroep West-Friesland, secretariaat, 0229-287700, info@zorggroepwf.example",
            "is_processor": True,
        },
        [
            (
                "wf-kis",
                "boz-72h",
                "Hosting ketenzorginformatiesysteem (KIS) en sms-herinneringen voor de aangesloten huisartsen",
                "NAW, BSN, gezondheidsgegevens, telefoonnummers",
            ),
        ],
    ),
]

# Our own sub-processors, as Bijlage 1 of the Zivver licence terms (BOZ model) lists them under "Subverwerkers":
# (name, "Beschrijving dienst en Persoonsgegevens"). Contacts are made up.
SUB_PROCESSORS = [
    ("Amazon AWS", "Huur van processorcapaciteit voor analyse berichtinhoud o.b.v. business rules; huur van "
     "servercapaciteit voor opslag versleutelde berichten + bijlagen; verzenden notificatieberichten; verzenden "
     "sms-authenticatieberichten"),
    ("Microsoft Azure", "Huur van processorcapaciteit voor analyse berichtinhoud o.b.v. business rules; huur van "
     "servercapaciteit voor opslag versleutelde berichten + bijlagen; verzenden notificatieberichten"),
    ("CloudVPS", "Huur van processorcapaciteit voor analyse berichtinhoud o.b.v. business rules; huur van "
     "servercapaciteit voor opslag versleutelde berichten + bijlagen"),
    ("MessageBird", "Verzenden sms-authenticatieberichten"),
    ("Spryng", "Verzenden sms-authenticatieberichten"),
    ("KPN", "Verzenden sms-authenticatieberichten"),
    ("CM", "Verzenden sms-authenticatieberichten"),
    ("EasyGenerator", "Hosten e-learning platform"),
]  # fmt: skip

# The main incident's share per controller: each controller is told only its own figures and note.
RANSOMWARE_SCOPES = {
    "Ziekenhuis Noordwest Kliniek": {
        "subjects_min": 18000,
        "subjects_max": 25000,
        "subject_groups": ["patients"],
        "records_min": 60000,
        "records_max": 90000,
        "data_categories": ["name", "birth_date", "bsn", "address", "contact", "health"],
        "special_categories": ["health"],
        "countries": ["NL"],
        "note": "Getroffen zijn de database van het patiëntportaal MijnNoordwest (met BSN) en de spraakopnamen van "
        "de verslaglegging van de laatste 14 dagen. Het EPD van het ziekenhuis staat niet op AMS-2.",
    },
    "Huisartsenpraktijk Het Ĳsselhof": {
        "subjects_min": 2100,
        "subjects_max": 2400,
        "subject_groups": ["patients"],
        "records_min": 5200,
        "records_max": 5200,
        "data_categories": ["name", "birth_date", "phone", "email", "health"],
        "special_categories": ["health"],
        "countries": ["NL"],
        "note": "Alleen de online afsprakenmodule: naam, geboortedatum, contactgegevens en de reden van komst die "
        "de patiënt zelf invulde. Het huisartseninformatiesysteem staat niet op AMS-2.",
    },
    "Tandartspraktijk De Molen": {
        "subjects_min": 850,
        "subjects_max": 850,
        "subject_groups": ["patients", "minors"],
        "records_min": 3400,
        "records_max": 3400,
        "data_categories": ["name", "birth_date", "health"],
        "special_categories": ["health"],
        "countries": ["NL"],
        "note": "3.400 röntgenfoto's van 850 patiënten, van wie ongeveer 200 kinderen. Naam en geboortedatum staan "
        "in de bestandsnaam van elke foto.",
    },
    "GGZ Kustland": {
        "subjects_min": 310,
        "subjects_max": 310,
        "subject_groups": ["employees"],
        "records_min": 4200,
        "records_max": 4200,
        "data_categories": ["name", "address", "phone", "email", "login"],
        "countries": ["NL"],
        "note": "Alleen de personeelsplanning (310 medewerkers). Behandelplannen en cliëntgegevens staan op een "
        "ander cluster en zijn niet getroffen. De wachtwoorden waren gehasht; wij resetten ze uit voorzorg.",
    },
    "Jeugdzorg Regio West": {
        "subjects_min": 40,
        "subjects_max": 120,
        "subject_groups": ["minors", "vulnerable"],
        "records_min": 150,
        "records_max": 400,
        "data_categories": ["name", "birth_date", "address", "contact", "unknown"],
        "countries": ["NL"],
        "note": "Mogelijk getroffen: berichten met bijlagen uit de cache van de beveiligde e-mail, laatste 30 dagen. "
        "Of de bijlagen gezondheidsgegevens bevatten, stellen wij uiterlijk morgen vast.",
    },
}

LEAK_SCOPES = {
    "Medisch Centrum Zuiderpark": {
        "subjects_min": 2000,
        "subjects_max": 2000,
        "subject_groups": ["patients"],
        "data_categories": ["name", "address", "phone"],
        "countries": ["NL"],
    },
    "Revalidatiecentrum De Hoogte": {
        "subjects_min": 900,
        "subjects_max": 900,
        "subject_groups": ["patients"],
        "data_categories": ["name", "phone", "email"],
        "countries": ["NL"],
        "note": "Exports van de afsprakenplanning van maart; geen berichtinhoud.",
    },
    "Laboratorium Delta": {
        "subjects_min": 300,
        "subjects_max": 300,
        "subject_groups": ["customers"],
        "data_categories": ["name", "phone"],
        "countries": ["NL"],
    },
}


def demo_present() -> bool:
    return db.session.scalar(select(Controller.id).limit(1)) is not None


def load(actor=None) -> dict[str, int]:
    """Create the demo controllers, contracts and incidents (the caller commits)."""
    contracts: dict[str, Contract] = {}
    controllers: dict[str, Controller] = {}
    n = 0
    for record, rows in CONTROLLERS:
        controller = parties.create_controller({"language": "nl", **record})
        controllers[controller.name] = controller
        for handle, profile, service, categories in rows:
            n += 1
            contracts[handle] = parties.create_contract(
                {
                    "controller_id": controller.id,
                    "profile": profile,
                    "reference": f"VO-{2026}-{n:03d}",
                    "services": f"{service} ({CLAUSES[profile]})",
                    "data_categories": categories,
                }
            )

    subs = {
        name: sub_processor_list.create_sub_processor(
            {"name": name, "services": services, "contact": f"security@{name.lower().replace(' ', '')}.example"}
        )
        for name, services in SUB_PROCESSORS
    }

    now = utcnow()
    hours = lambda h: now - timedelta(hours=h)  # noqa: E731

    def ids(*handles: str) -> list[int]:
        return [contracts[h].id for h in handles]

    def scopes(incident, per_controller: dict[str, dict], at) -> None:
        for name, values in per_controller.items():
            set_scope(incident, controllers[name].id, values, actor=actor, now=at)

    # 1. Ransomware at the hosting platform: confirmed 3 h ago, five controllers each with its own share,
    #    one notice already out, one controller has decided.
    wide = totals(RANSOMWARE_SCOPES.values())
    ransomware = breaches.create_incident(
        title="Ransomware op hostingcluster AMS-2",
        description="Versleutelde bestanden aangetroffen op de opslag van cluster AMS-2; exfiltratie niet uitgesloten.",
        aware_at=hours(5),
        status="confirmed",
        confirmed_at=hours(3),
        contract_ids=ids("nwk-portal", "nwk-speech", "ijs-agenda", "molen-rx", "ggz-rooster", "jz-mail"),
        fields={
            "nature": "Ransomware-aanval; bestanden versleuteld, mogelijk gekopieerd.",
            "cause": "Misbruik van een niet-gepatchte VPN-appliance (vermoedelijk).",
            "measures": "Cluster geïsoleerd, back-ups veiliggesteld, forensisch onderzoek gestart.",
        },
        details={
            "incident_kind": "hacking_malware_phishing",
            "started_at": hours(9),
            "protection": "none",
            "discovery": "Monitoring sloeg alarm op massale bestandswijzigingen.",
            "subject_groups": wide["subject_groups"],
            "subjects_min": wide["subjects_min"],
            "subjects_max": wide["subjects_max"],
            "cross_border": "no",
            "reporter_kind": "internal",
            "reported_by": "Eigen Security Operations Center, dienstdoende analist",
            "recovery": "Herstel vanuit de offline back-up van vannacht 02.00 uur, naar verwachting binnen "
            "48 uur; wijzigingen na dat moment gaan mogelijk verloren.",
            "other_supervisors": "Nog niet bepaald; elke zorgaanbieder beoordeelt zelf of ook de IGJ "
            "wordt ingelicht. Aangifte bij de politie is in voorbereiding.",
            "attachments": "Tijdlijn SOC; lijst van getroffen mappen per klant; forensisch tussenrapport (volgt).",
        },
        actor=actor,
        now=hours(3),
    )
    scopes(ransomware, RANSOMWARE_SCOPES, hours(3))
    breaches.update_incident(
        ransomware,
        actor=actor,
        internal_note="Cyberverzekeraar ingelicht (polis CY-2026-0142); incidentresponsbureau ingeschakeld. "
        "Losgeldeis ontvangen: niet betalen en niet met klanten delen vóór juridisch advies.",
    )
    record_severity(
        ransomware,
        {
            "data_types": ["sensitive"],
            "identification": "maximum",
            "confidentiality": "unknown_recipients",
            "availability": "temporary",
            "malicious": True,
            "note": "Gezondheidsgegevens; exfiltratie niet uitgesloten.",
        },
        actor=actor,
        now=hours(2),
    )
    breaches.record_filing(
        ransomware,
        FilingInput(kind="controller_notice", contract_id=contracts["nwk-portal"].id, at=hours(2), channel="email"),
        actor=actor,
    )
    breaches.record_decision(
        ransomware,
        controller_id=controllers["GGZ Kustland"].id,
        notify_ap="yes",
        reason="Adressen en inloggegevens van medewerkers; risico op phishing en misbruik van accounts.",
        inform_data_subjects="yes",
        decision_maker={"name": "A. Bouali", "function": "Privacy officer", "via": "phone"},
        actor=actor,
        now=hours(1),
    )

    # NIS2: the hosting platform's outage is a significant incident for us as well (where our settings say NIS2 binds
    # us); the early warning went to the CSIRT an hour after it was known.
    if regime_registry.binding_regime("nis2") is not None:
        regimes.classify(
            ransomware,
            "nis2",
            "yes",
            "Hostingcluster AMS-2 voor zes zorgaanbieders uren onbereikbaar; herstel duurt naar verwachting 48 uur.",
            hours(3),
            actor,
            hours(3),
        )
        regimes.save_facts(
            ransomware,
            "nis2",
            {
                "malicious": "Ja: ransomware-aanval, vermoedelijk via een niet-gepatchte VPN-appliance.",
                "cross_border": "Niet bekend: alle getroffen klanten zijn in Nederland gevestigd.",
            },
            actor,
            hours(2),
        )
        early = regimes.regime_or_refuse("nis2").stage("early_warning")
        assert early is not None
        regimes.record_filing(
            ransomware,
            "nis2",
            regimes.StageFilingInput("early_warning", hours(2), "portal", "ZC-2026-0117"),
            regimes.draft(ransomware, regimes.regime_or_refuse("nis2"), early, "nl", hours(2)),
            actor,
            hours(2),
        )

    # 2. Suspected misdirected e-mail: only the citodent clock (suspicion) runs.
    breaches.create_incident(
        title="E-mail met röntgenfoto's naar verkeerde ontvanger",
        description="Een medewerker meldt dat een export mogelijk naar een verkeerd adres is verstuurd.",
        aware_at=hours(1),
        status="suspected",
        contract_ids=ids("zaan-rx", "zaan-backup"),
        details={
            "incident_kind": "email_wrong_recipient",
            "reporter_kind": "internal",
            "reported_by": "Medewerker servicedesk beeldarchief",
        },
        actor=actor,
    )

    # 3. Confirmed 30 h ago: the doctolib notices are overdue, the BOZ-72 notice met, AP decision recorded.
    wide = totals(LEAK_SCOPES.values())
    leak = breaches.create_incident(
        title="Onbeveiligde opslagbucket met afsprakenexports",
        description="Een opslagbucket met exports van afspraken was publiek leesbaar.",
        aware_at=hours(32),
        status="confirmed",
        confirmed_at=hours(30),
        contract_ids=ids("mcz-agenda", "hoogte-mail", "lab-agenda"),
        fields={
            "nature": "Publiek leesbare opslag (vertrouwelijkheid).",
            "affected_data": "NAW, afspraakdata, telefoonnummers.",
            "consequences": "Mogelijk phishing gericht op patiënten.",
            "measures": "Bucket afgesloten; toegangslogs worden geanalyseerd.",
        },
        details={
            "incident_kind": "published_by_accident",
            "started_at": hours(24 * 9),
            "ended_at": hours(31),
            "subject_groups": wide["subject_groups"],
            "subjects_min": wide["subjects_min"],
            "subjects_max": wide["subjects_max"],
            "reporter_kind": "external",
            "reported_by": "Beveiligingsonderzoeker via responsible-disclosureformulier",
        },
        actor=actor,
        now=hours(30),
    )
    scopes(leak, LEAK_SCOPES, hours(29))
    hoogte = contracts["hoogte-mail"]
    breaches.record_filing(
        leak, FilingInput(kind="controller_notice", contract_id=hoogte.id, at=hours(20)), actor=actor
    )
    breaches.record_decision(
        leak,
        controller_id=hoogte.controller_id,
        notify_ap="no",
        reason="Geen bijzondere persoonsgegevens; logs tonen geen downloads.",
        decision_maker={"name": "W. Mulder", "function": "Privacy officer", "via": "email"},
        actor=actor,
        now=hours(18),
    )

    # 4. Dismissed: a lost laptop that turned out to be fully encrypted and was found.
    laptop = breaches.create_incident(
        title="Laptop kwijt op station Utrecht",
        aware_at=hours(50),
        status="suspected",
        contract_ids=ids("fysio-app"),
        actor=actor,
        now=hours(50),
    )
    breaches.dismiss(
        laptop,
        "Laptop teruggevonden; volledige schijfversleuteling actief, geen toegang gehad.",
        actor=actor,
        now=hours(46),
    )

    # 5. An older incident where everything was done on time and the AP was notified.
    done = breaches.create_incident(
        title="Verkeerde autorisaties in verwijsportaal",
        aware_at=hours(140),
        status="confirmed",
        confirmed_at=hours(138),
        contract_ids=ids("hap-verwijs"),
        fields={
            "nature": "Medewerkers van een andere praktijk konden verwijsbrieven inzien.",
            "affected_data": "Verwijsbrieven, NAW.",
            "consequences": "Inzage door onbevoegde zorgverleners.",
            "measures": "Autorisaties hersteld, toegangslog gecontroleerd.",
        },
        details={
            "incident_kind": "wrong_authorisations",
            "protection": "none",
            "subject_groups": ["patients"],
            "reporter_kind": "external",
            "reported_by": "Huisarts van een aangesloten praktijk",
        },
        actor=actor,
        now=hours(138),
    )
    first = contracts["hap-verwijs"]
    breaches.record_filing(
        done, FilingInput(kind="controller_notice", contract_id=first.id, at=hours(130)), actor=actor
    )
    breaches.record_filing(
        done, FilingInput(kind="controller_consultation", contract_id=first.id, at=hours(120)), actor=actor
    )
    breaches.record_decision(
        done,
        controller_id=first.controller_id,
        notify_ap="yes",
        reason="Gezondheidsgegevens ingezien door onbevoegden.",
        decision_maker={"name": "drs. R. Visser", "function": "Functionaris gegevensbescherming", "via": "meeting"},
        actor=actor,
        now=hours(115),
    )
    breaches.record_filing(
        done,
        FilingInput(
            kind="ap_notification", controller_id=first.controller_id, at=hours(100), reference="M-2026-104233"
        ),
        actor=actor,
    )
    breaches.record_filing(
        done,
        FilingInput(
            kind="ap_follow_up",
            controller_id=first.controller_id,
            at=hours(60),
            reference="M-2026-104233",
            follow_up="supplement",
            note="Aantal betrokkenen vastgesteld na logonderzoek.",
        ),
        actor=actor,
    )

    # 6. Reported to us by a sub-processor (BOZ Bijlage 1): its sms platform sent reminders to wrong numbers. It
    #    became aware 20 h ago and informed us 6 h ago: our clocks run from then. One customer is itself a processor.
    sms = breaches.create_incident(
        title="Sms-herinneringen naar verkeerde telefoonnummers",
        description="Door een fout in een nummerreeks bij de sms-dienst kwamen herinneringen bij verkeerde "
        "ontvangers terecht.",
        aware_at=hours(6),
        status="confirmed",
        confirmed_at=hours(5),
        contract_ids=ids("wf-kis", "apo-afhaal"),
        fields={
            "nature": "Sms-berichten met naam en afspraaktijd naar verkeerde ontvangers (vertrouwelijkheid).",
            "affected_data": "Voornaam, afspraakdatum en -tijd, naam van de praktijk.",
            "measures": "Verzending via de getroffen nummerreeks gestopt; subverwerker onderzoekt de omvang.",
        },
        reporter=Reporter(
            kind="sub_processor",
            name="Incidentteam MessageBird",
            sub_processor_id=subs["MessageBird"].id,
            sub_processor_aware_at=hours(20),
        ),
        actor=actor,
        now=hours(5),
    )
    breaches.record_filing(
        sms,
        FilingInput(kind="controller_notice", contract_id=contracts["wf-kis"].id, at=hours(4), channel="email"),
        actor=actor,
    )
    return {"controllers": len(CONTROLLERS), "contracts": n, "incidents": 6}
