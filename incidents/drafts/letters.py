"""The communication to data subjects (AVG art. 34 lid 2) in clear and plain language: a letter, an e-mail and a
public notice (for the art. 34 lid 3 sub c ground, disproportionate effort). Pure: no Flask, no database.

It describes the nature of the breach, names the contact point, the likely consequences and the measures taken,
and says what people can do themselves. What we do not know yet is shown as a marked placeholder, never invented.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from ..core.instants import to_local

VARIANTS = ("letter", "email", "public")

W = {
    "nl": {
        "missing": "[NOG INVULLEN: {what}]",
        "what_nature": "wat er is gebeurd", "what_data": "om welke gegevens het gaat",
        "what_consequences": "de mogelijke gevolgen", "what_measures": "de genomen maatregelen",
        "what_contact": "contactpersoon of functionaris gegevensbescherming",
        "subject": "Uw persoonsgegevens zijn betrokken bij een datalek",
        "public_title": "Mededeling over een datalek bij {controller}",
        "salutation": "Beste [naam],",
        "salutation_public": "",
        "opening": "Wij informeren u over een datalek waarbij uw persoonsgegevens betrokken zijn. Wij vinden het "
                   "belangrijk dat u weet wat er is gebeurd en wat u zelf kunt doen.",
        "opening_public": "{controller} informeert iedereen van wie persoonsgegevens betrokken zijn bij een datalek. "
                          "Omdat wij niet iedereen persoonlijk kunnen bereiken, doen wij dat met deze mededeling.",
        "h_what": "Wat is er gebeurd?", "h_data": "Om welke gegevens gaat het?",
        "h_consequences": "Wat kunnen de gevolgen zijn?", "h_measures": "Wat hebben wij gedaan?",
        "h_advice": "Wat kunt u zelf doen?", "h_contact": "Vragen?",
        "when": "Wij ontdekten het datalek op {date}.",
        "advice_phishing": "Wees alert op e-mails, sms-berichten of telefoontjes die naar dit datalek verwijzen of "
                           "om uw gegevens vragen. Wij vragen u nooit om uw wachtwoord of pincode.",
        "advice_password": "Verander uw wachtwoord, ook bij andere diensten waar u hetzelfde wachtwoord gebruikt.",
        "advice_financial": "Controleer de komende maanden uw bankafschriften. Ziet u een onbekende afschrijving? "
                            "Neem dan contact op met uw bank.",
        "advice_identity": "Vermoedt u dat iemand uw identiteit misbruikt? Neem contact op met het Centraal Meldpunt "
                           "Identiteitsfraude en -fouten (CMI) van de Rijksoverheid.",
        "advice_complaint": "U kunt een klacht indienen bij de Autoriteit Persoonsgegevens.",
        "contact": "Heeft u vragen? Neem contact op met {contact}.",
        "closing": "Wij bieden u onze excuses aan voor dit datalek.",
        "signature": "Met vriendelijke groet,\n\n{controller}",
    },
    "en": {
        "missing": "[TO FILL IN: {what}]",
        "what_nature": "what happened", "what_data": "which data are involved",
        "what_consequences": "the likely consequences", "what_measures": "the measures taken",
        "what_contact": "contact person or data protection officer",
        "subject": "Your personal data were involved in a data breach",
        "public_title": "Notice of a data breach at {controller}",
        "salutation": "Dear [name],",
        "salutation_public": "",
        "opening": "We are writing to tell you about a data breach involving your personal data. We want you to "
                   "know what happened and what you can do yourself.",
        "opening_public": "{controller} is informing everyone whose personal data were involved in a data breach. "
                          "Because we cannot reach everyone personally, we do so with this notice.",
        "h_what": "What happened?", "h_data": "Which data are involved?",
        "h_consequences": "What could the consequences be?", "h_measures": "What have we done?",
        "h_advice": "What can you do yourself?", "h_contact": "Questions?",
        "when": "We discovered the breach on {date}.",
        "advice_phishing": "Be alert to e-mails, text messages or phone calls that mention this breach or ask for "
                           "your details. We will never ask for your password or PIN.",
        "advice_password": "Change your password, also at other services where you use the same password.",
        "advice_financial": "Check your bank statements over the coming months. If you see a payment you do not "
                            "recognise, contact your bank.",
        "advice_identity": "If you suspect someone is misusing your identity, contact the Dutch government's "
                           "Central Reporting Point for Identity Fraud (CMI).",
        "advice_complaint": "You can lodge a complaint with the Dutch Data Protection Authority (Autoriteit "
                            "Persoonsgegevens).",
        "contact": "If you have questions, please contact {contact}.",
        "closing": "We apologise for this breach.",
        "signature": "Kind regards,\n\n{controller}",
    },
}
PASSWORD_WORDS = ("wachtwoord", "password", "inlog", "login", "credential")
IDENTITY_WORDS = ("bsn", "burgerservicenummer", "paspoort", "passport", "identiteitsbewijs", "id-kaart", "rijbewijs")
# At the start of a word: "bankgegevens" is financial, a "klantendatabank" (database) is not.
FINANCIAL = re.compile(r"(?<![a-z])(iban|bank|rekeningnummer|creditcard|credit card|financ)")


@dataclass(frozen=True)
class LetterFacts:
    controller_name: str
    aware_at: datetime
    fields: dict
    data_types: tuple[str, ...] = ()  # from the severity assessment, if any
    incident_kind: str | None = None


@dataclass(frozen=True)
class Letter:
    variant: str
    language: str
    subject: str
    body: str
    gaps: tuple[str, ...]


def advice(facts: LetterFacts, language: str) -> list[str]:
    w = W[language]
    text = " ".join(str(facts.fields.get(k) or "") for k in ("affected_data", "nature", "cause")).lower()
    items = [w["advice_phishing"]]
    if facts.incident_kind == "hacking_malware_phishing" or any(word in text for word in PASSWORD_WORDS):
        items.append(w["advice_password"])
    if "financial" in facts.data_types or FINANCIAL.search(text):
        items.append(w["advice_financial"])
    if any(word in text for word in IDENTITY_WORDS):
        items.append(w["advice_identity"])
    items.append(w["advice_complaint"])
    return items


def compose_letter(facts: LetterFacts, variant: str, language: str = "nl") -> Letter:
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {', '.join(VARIANTS)}")
    language = "en" if language == "en" else "nl"
    w = W[language]
    gaps: list[str] = []

    def value(key: str, what: str) -> str:
        text = (facts.fields.get(key) or "").strip()
        if not text:
            gaps.append(key)
            return w["missing"].format(what=w[what])
        return text

    date = to_local(facts.aware_at).strftime("%d-%m-%Y")
    public = variant == "public"
    parts = [w["salutation_public"] if public else w["salutation"],
             (w["opening_public"] if public else w["opening"]).format(controller=facts.controller_name),
             f"{w['h_what']}\n{value('nature', 'what_nature')} {w['when'].format(date=date)}",
             f"{w['h_data']}\n{value('affected_data', 'what_data')}",
             f"{w['h_consequences']}\n{value('consequences', 'what_consequences')}",
             f"{w['h_measures']}\n{value('measures', 'what_measures')}",
             w["h_advice"] + "\n" + "\n".join(f"- {item}" for item in advice(facts, language)),
             f"{w['h_contact']}\n{w['contact'].format(contact=value('contact_point', 'what_contact'))}",
             w["closing"]]
    if not public:
        parts.append(w["signature"].format(controller=facts.controller_name))
    body = "\n\n".join(p for p in parts if p)
    subject = w["public_title"].format(controller=facts.controller_name) if public else w["subject"]
    if variant == "letter":
        body = f"{facts.controller_name}\n[adres]\n\n[naam]\n[adres]\n\n{date}\n\n{subject}\n\n{body}" \
            if language == "nl" else f"{facts.controller_name}\n[address]\n\n[name]\n[address]\n\n{date}\n\n" \
                                     f"{subject}\n\n{body}"
    elif public:
        body = f"{subject}\n\n{body}"
    return Letter(variant, language, subject, body, tuple(dict.fromkeys(gaps)))
