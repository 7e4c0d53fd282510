"""Fixed wording of the documents, Dutch and English. Documents are rendered outside requests
(by the outbox sender too), so their words live here rather than in the UI catalogue."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "nl": {
        "notice_title": "Melding van een inbreuk in verband met persoonsgegevens",
        "notice_title_suspected": "Melding van een vermoeden van een inbreuk in verband met persoonsgegevens",
        "notice_title_unfounded": "Bericht: het vermoeden van een inbreuk is ongegrond gebleken",
        "stage_suspected": "Dit is de melding van een vermoeden: de inbreuk is (nog) niet vastgesteld.",
        "stage_unfounded": "Het vermoeden waarover wij u informeerden, is ongegrond gebleken: er is geen inbreuk "
        "vastgesteld. Heeft u het vermoeden al gemeld of vastgelegd, dan kunt u die melding intrekken of aanvullen.",
        "dismissed_at": "Afgesloten als ongegrond op",
        "dismiss_reason": "Reden",
        "report_title": "Rapportage van het onderzoek naar de inbreuk",
        "version_initial": "eerste melding",
        "version_update": "aanvulling",
        "version_final": "definitieve melding",
        "provisional": "VOORLOPIG — nog niet alle informatie is bekend (AVG art. 33 lid 4: informatie in fasen)",
        "subject_notice": "Melding datalek {reference} ({version}) — {processor}",
        "subject_notice_suspected": "Melding vermoedelijk datalek {reference} ({version}) — {processor}",
        "subject_notice_unfounded": "Vermoeden datalek {reference} ongegrond ({version}) — {processor}",
        "subject_report": "Onderzoeksrapportage datalek {reference} — {processor}",
        "parties": "Partijen",
        "processor": "Verwerker",
        "controller": "Verwerkingsverantwoordelijke",
        "kvk": "KvK",
        "contact": "Contactpersoon",
        "contracts": "Overeenkomst en bepaling",
        "contract": "Overeenkomst",
        "clause": "Bepaling",
        "incident": "Incident",
        "reference": "Kenmerk",
        "title": "Titel",
        "description": "Omschrijving",
        "aware_at": "Verwerker kreeg kennis op",
        "confirmed_at": "Inbreuk vastgesteld op",
        "not_confirmed": "nog niet vastgesteld: dit is een melding van een vermoeden",
        "information": "Informatie over de inbreuk",
        "details": "Gegevens over de inbreuk",
        "scope": "Specifiek voor uw organisatie",
        "authority_contacts": "Contacten met andere autoriteiten dan de {short}",
        "unknown": "nog niet bekend, volgt",
        "still_unknown": "Nog niet bekend",
        "next_update": "Volgende aanvulling verwacht",
        "next_update_default": "zo spoedig mogelijk, zodra meer bekend is",
        "contact_point": "Contactpunt bij de verwerker (naam, functie, e-mail, telefoon)",
        "ap_clock": "Uw termijn voor melding aan de {authority}",
        "ap_start": "Start van de termijn van 72 uur",
        "ap_due": "Uiterlijk melden op",
        "ap_processor_files": "Volgens de overeenkomst meldt de verwerker deze inbreuk zelf aan de {short} ({clause}).",
        "authority_is": "Bevoegde toezichthouder: de {name}. Zo meldt u een datalek: {url}",
        "authority_lead": "Bevoegde toezichthouder: de {name}, als leidende toezichthouder van uw hoofdvestiging "
        "(grensoverschrijdende verwerking, AVG art. 56). Zo meldt u een datalek: {url}",
        "authority_outside_eea": "U bent buiten de EER gevestigd en heeft geen hoofdvestiging in de EU/EER: er is "
        "geen leidende toezichthouder. Meld de inbreuk bij de toezichthouder van elke lidstaat waar getroffen "
        "betrokkenen wonen (EDPB-richtsnoeren 9/2022, punt 73).",
        "authority_each": "toezichthouders van de lidstaten waar de betrokkenen wonen",
        "authority_each_short": "toezichthouders",
        "ap_not_started": "De termijn start pas wanneer de inbreuk is vastgesteld; u ontvangt dan een aanvulling.",
        "ap_explain": "Als verwerkingsverantwoordelijke beslist u of u meldt (AVG art. 33 lid 1). U bent op de "
        "hoogte vanaf het moment dat de verwerker u informeert (EDPB-richtsnoeren 9/2022).",
        "ack": "Bevestig de ontvangst van deze melding",
        "issued": "Opgemaakt op",
        "page": "Pagina {page} van {pages}",
        "greeting": "Geachte {name},",
        "intro_notice": "Hierbij informeren wij u over een (mogelijke) inbreuk in verband met persoonsgegevens "
        "die gegevens raakt die wij voor u verwerken. De volledige melding is bijgevoegd als PDF.",
        "intro_report": "Hierbij ontvangt u de rapportage van ons onderzoek naar de inbreuk, met de respons en de "
        "vervolgstappen. De rapportage is bijgevoegd als PDF.",
        "closing": "Met vriendelijke groet,",
        "what_happened": "Wat is er gebeurd",
        "cause": "Oorzaak",
        "response": "Respons: genomen maatregelen",
        "follow_up": "Vervolgstappen",
        "sha": "SHA-256 van de bijlage",
        "reported_by_sub_processor": "Gemeld door onze subverwerker",
        "reported_by_sub_processor_value": "{name}, die ons informeerde op {informed}",
        "sub_processor_aware": "De subverwerker kreeg zelf kennis op {at}.",
        "onward_title": "Uw eigen plicht als verwerker: informeer uw verwerkingsverantwoordelijken",
        "onward_duty": "U verwerkt deze persoonsgegevens zelf als verwerker voor uw eigen "
        "verwerkingsverantwoordelijken. Informeer hen zonder onredelijke vertraging (AVG art. 33 lid 2, "
        "onverwijld) over deze inbreuk, met de informatie uit deze melding.",
        "onward_duty_suspected": "U verwerkt deze persoonsgegevens zelf als verwerker voor uw eigen "
        "verwerkingsverantwoordelijken. Dit is de melding van een vermoeden: geef hen de informatie uit deze "
        "melding zonder onredelijke vertraging door als vermoeden, en meld onverwijld (AVG art. 33 lid 2) zodra "
        "wij u berichten dat de inbreuk is vastgesteld.",
        "onward_their_clock": "Niet u, maar uw verwerkingsverantwoordelijken beslissen over melding aan de "
        "toezichthouder. Hun termijn van 72 uur (AVG art. 33 lid 1) loopt vanaf het moment dat u hen informeert, "
        "niet vanaf deze melding.",
        "onward_carry": "Wat zij nodig hebben",
        "onward_our_aware": "Wij (verwerker) kregen kennis op",
        "onward_told_you": "Wij informeerden u met deze melding, opgemaakt op",
        "onward_reference": "Ons kenmerk",
        "onward_contact": "Contactpunt bij ons",
        "onward_forward": "U kunt deze melding ongewijzigd doorsturen vanuit het portaal; het portaal legt vast "
        "wanneer en aan wie u haar doorstuurde.",
        "intro_processor": "U bent voor deze gegevens zelf verwerker: informeer uw eigen "
        'verwerkingsverantwoordelijken onverwijld (zie "Uw eigen plicht als verwerker").',
    },
    "en": {
        "notice_title": "Notification of a personal data breach",
        "notice_title_suspected": "Notification of a suspected personal data breach",
        "notice_title_unfounded": "Notice: the suspected breach proved unfounded",
        "stage_suspected": "This notifies a suspicion: the breach has not (yet) been established.",
        "stage_unfounded": "The suspicion we informed you of proved unfounded: no breach was established. If you "
        "notified or recorded the suspicion, you can withdraw or complete that notification.",
        "dismissed_at": "Closed as unfounded on",
        "dismiss_reason": "Reason",
        "report_title": "Report of the investigation into the breach",
        "version_initial": "initial notice",
        "version_update": "update",
        "version_final": "final notice",
        "provisional": "PROVISIONAL — not all information is known yet (GDPR Art. 33(4): information in phases)",
        "subject_notice": "Data breach notice {reference} ({version}) — {processor}",
        "subject_notice_suspected": "Suspected data breach notice {reference} ({version}) — {processor}",
        "subject_notice_unfounded": "Suspected data breach {reference} unfounded ({version}) — {processor}",
        "subject_report": "Investigation report, data breach {reference} — {processor}",
        "parties": "Parties",
        "processor": "Processor",
        "controller": "Controller",
        "kvk": "Chamber of Commerce (KvK)",
        "contact": "Contact person",
        "contracts": "Agreement and clause",
        "contract": "Agreement",
        "clause": "Clause",
        "incident": "Incident",
        "reference": "Reference",
        "title": "Title",
        "description": "Description",
        "aware_at": "Processor became aware at",
        "confirmed_at": "Breach established at",
        "not_confirmed": "not established yet: this notice reports a suspicion",
        "information": "Information about the breach",
        "details": "Facts about the breach",
        "scope": "Specific to your organisation",
        "authority_contacts": "Contacts with authorities other than the {short}",
        "unknown": "not yet known, to follow",
        "still_unknown": "Not yet known",
        "next_update": "Next update expected",
        "next_update_default": "as soon as possible, once more is known",
        "contact_point": "Contact point at the processor (name, function, e-mail, phone)",
        "ap_clock": "Your deadline for notifying the {authority}",
        "ap_start": "Start of the 72-hour period",
        "ap_due": "Notify no later than",
        "ap_processor_files": "Under the agreement the processor notifies the {short} of this breach itself "
        "({clause}).",
        "authority_is": "Competent supervisory authority: the {name}. How to notify a breach: {url}",
        "authority_lead": "Competent supervisory authority: the {name}, as lead authority of your main establishment "
        "(cross-border processing, GDPR Art. 56). How to notify a breach: {url}",
        "authority_outside_eea": "You are established outside the EEA without a main establishment in the EU/EEA: "
        "there is no lead authority. Notify the breach to the supervisory authority of every member state where "
        "affected data subjects live (EDPB Guidelines 9/2022, para. 73).",
        "authority_each": "supervisory authorities of the member states where the data subjects live",
        "authority_each_short": "supervisory authorities",
        "ap_not_started": "The period starts once the breach has been established; you will receive an update.",
        "ap_explain": "As controller you decide whether to notify (GDPR Art. 33(1)). You are aware from the moment "
        "the processor informs you (EDPB Guidelines 9/2022).",
        "ack": "Confirm receipt of this notice",
        "issued": "Issued at",
        "page": "Page {page} of {pages}",
        "greeting": "Dear {name},",
        "intro_notice": "We are informing you of a (possible) personal data breach affecting data we process on "
        "your behalf. The full notice is attached as a PDF.",
        "intro_report": "Please find the report of our investigation into the breach, with the response and the "
        "follow-up steps, attached as a PDF.",
        "closing": "Kind regards,",
        "what_happened": "What happened",
        "cause": "Cause",
        "response": "Response: measures taken",
        "follow_up": "Follow-up steps",
        "sha": "SHA-256 of the attachment",
        "reported_by_sub_processor": "Reported by our sub-processor",
        "reported_by_sub_processor_value": "{name}, which informed us at {informed}",
        "sub_processor_aware": "The sub-processor itself became aware at {at}.",
        "onward_title": "Your own duty as a processor: inform your controllers",
        "onward_duty": "You process these personal data yourself as a processor for controllers of your own. Inform "
        "them of this breach without undue delay (GDPR Art. 33(2)), with the information in this notice.",
        "onward_duty_suspected": "You process these personal data yourself as a processor for controllers of your "
        "own. This notice reports a suspicion: pass its information on to them without undue delay as a suspicion, "
        "and notify them without undue delay (GDPR Art. 33(2)) once we tell you the breach has been established.",
        "onward_their_clock": "Not you but your controllers decide whether to notify the supervisory authority. Their "
        "72 hours (GDPR Art. 33(1)) run from the moment you inform them, not from this notice.",
        "onward_carry": "What they need",
        "onward_our_aware": "We (processor) became aware at",
        "onward_told_you": "We informed you with this notice, issued at",
        "onward_reference": "Our reference",
        "onward_contact": "Our contact point",
        "onward_forward": "You can forward this notice unchanged from the portal; the portal records when and to whom "
        "you forwarded it.",
        "intro_processor": "You are yourself a processor of these data: inform your own controllers without undue "
        'delay (see "Your own duty as a processor").',
    },
}


def words(language: str) -> dict[str, str]:
    return TEXTS["en" if language == "en" else "nl"]
