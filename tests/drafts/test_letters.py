"""The communication to data subjects (AVG art. 34): the pure composer of the letter, the e-mail and the public
notice, and the web page that shows them with copy buttons."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta

import pytest

from incidents.breaches.assessment import record_severity
from incidents.breaches.models import Incident
from incidents.core.instants import to_local, utcnow
from incidents.drafts.letters import VARIANTS, LetterFacts, compose_letter
from incidents.extensions import db
from tests.conftest import MAKER

from .conftest import iso

# Late on 28 March UTC is already 29 March in Amsterdam: the letter gives the Amsterdam date.
AWARE = datetime(2026, 3, 28, 23, 30, tzinfo=UTC)
FIELDS = {"nature": "NATURE-Een medewerker mailde een bestand naar de verkeerde ontvanger.",
          "affected_data": "DATA-Namen en adressen.", "consequences": "CONSEQUENCES-Mogelijke inzage.",
          "measures": "MEASURES-De ontvanger heeft het bestand verwijderd.",
          "contact_point": "CONTACT-privacy@zorg.example"}
PLACEHOLDERS = {
    "nl": {"nature": "[NOG INVULLEN: wat er is gebeurd]",
           "affected_data": "[NOG INVULLEN: om welke gegevens het gaat]",
           "consequences": "[NOG INVULLEN: de mogelijke gevolgen]",
           "measures": "[NOG INVULLEN: de genomen maatregelen]",
           "contact_point": "[NOG INVULLEN: contactpersoon of functionaris gegevensbescherming]"},
    "en": {"nature": "[TO FILL IN: what happened]", "affected_data": "[TO FILL IN: which data are involved]",
           "consequences": "[TO FILL IN: the likely consequences]", "measures": "[TO FILL IN: the measures taken]",
           "contact_point": "[TO FILL IN: contact person or data protection officer]"},
}
ADVICE = {
    "nl": {"phishing": "Wees alert op e-mails, sms-berichten of telefoontjes",
           "password": "Verander uw wachtwoord, ook bij andere diensten",
           "bank": "Controleer de komende maanden uw bankafschriften",
           "identity": "Centraal Meldpunt Identiteitsfraude",
           "complaint": "U kunt een klacht indienen bij de Autoriteit Persoonsgegevens."},
    "en": {"phishing": "Be alert to e-mails, text messages or phone calls",
           "password": "Change your password, also at other services",
           "bank": "Check your bank statements over the coming months",
           "identity": "Central Reporting Point for Identity Fraud",
           "complaint": "You can lodge a complaint with the Dutch Data Protection Authority"},
}



def facts(fields=None, data_types=(), kind=None, controller="Huisartsenpraktijk De Linde") -> LetterFacts:
    return LetterFacts(controller, AWARE, dict(FIELDS if fields is None else fields), tuple(data_types), kind)


def advice_given(letter, language) -> set[str]:
    return {name for name, text in ADVICE[language].items() if text in letter.body}


# --- pure -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("variant", VARIANTS)
def test_every_variant_carries_the_known_facts(variant, language):
    letter = compose_letter(facts(), variant, language)
    assert (letter.variant, letter.language) == (variant, language)
    for value in FIELDS.values():
        assert value in letter.body, value
    assert letter.gaps == ()
    assert "[NOG INVULLEN" not in letter.body and "[TO FILL IN" not in letter.body
    assert "29-03-2026" in letter.body and "28-03-2026" not in letter.body
    assert "Huisartsenpraktijk De Linde" in letter.body


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("missing", list(FIELDS))
def test_a_missing_fact_is_a_marked_placeholder_and_a_gap(variant, language, missing):
    known = {k: v for k, v in FIELDS.items() if k != missing}
    letter = compose_letter(facts(known), variant, language)
    assert letter.gaps == (missing,)
    assert PLACEHOLDERS[language][missing] in letter.body
    assert letter.body.count(f"[{'NOG INVULLEN' if language == 'nl' else 'TO FILL IN'}:") == 1
    for value in known.values():
        assert value in letter.body


@pytest.mark.parametrize("language", ["nl", "en"])
def test_nothing_known_lists_every_gap_once(language):
    letter = compose_letter(facts({"nature": "   ", "measures": ""}), "email", language)
    assert letter.gaps == ("nature", "affected_data", "consequences", "measures", "contact_point")
    for placeholder in PLACEHOLDERS[language].values():
        assert placeholder in letter.body


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("fields, data_types, kind, expected", [
    (FIELDS, (), None, {"phishing", "complaint"}),
    (FIELDS, (), "hacking_malware_phishing", {"phishing", "password", "complaint"}),
    ({**FIELDS, "affected_data": "Gebruikersnamen en wachtwoorden (gehasht)"}, (), None,
     {"phishing", "password", "complaint"}),
    ({**FIELDS, "cause": "Gestolen inloggegevens"}, (), None, {"phishing", "password", "complaint"}),
    (FIELDS, ("simple", "financial"), None, {"phishing", "bank", "complaint"}),
    ({**FIELDS, "affected_data": "Namen en IBAN-nummers"}, (), None, {"phishing", "bank", "complaint"}),
    ({**FIELDS, "affected_data": "Namen, adressen en BSN"}, (), None, {"phishing", "identity", "complaint"}),
    ({**FIELDS, "nature": "Kopieën van paspoorten gelekt"}, (), None, {"phishing", "identity", "complaint"}),
    ({**FIELDS, "affected_data": "BSN, IBAN en wachtwoorden"}, (), "other",
     {"phishing", "password", "bank", "identity", "complaint"}),
])
def test_advice_follows_the_kind_of_data(language, fields, data_types, kind, expected):
    for variant in VARIANTS:
        letter = compose_letter(facts(fields, data_types, kind), variant, language)
        assert advice_given(letter, language) == expected, variant


def test_a_database_is_not_a_bank():
    letter = compose_letter(facts({**FIELDS, "affected_data": "Namen uit de klantendatabank"}), "letter", "nl")
    assert "bank" not in advice_given(letter, "nl")


@pytest.mark.parametrize("language, salutation, title", [
    ("nl", "Beste [naam],", "Mededeling over een datalek bij Huisartsenpraktijk De Linde"),
    ("en", "Dear [name],", "Notice of a data breach at Huisartsenpraktijk De Linde"),
])
def test_public_notice_has_no_personal_salutation_and_names_the_controller(language, salutation, title):
    public = compose_letter(facts(), "public", language)
    assert public.subject == title
    assert public.body.startswith(title + "\n\n")
    assert salutation not in public.body
    assert "[naam]" not in public.body and "[name]" not in public.body
    for variant in ("letter", "email"):
        personal = compose_letter(facts(), variant, language)
        assert salutation in personal.body
        assert personal.subject != title


def test_letter_and_email_subjects_and_layout():
    letter = compose_letter(facts(), "letter", "nl")
    email = compose_letter(facts(), "email", "nl")
    assert letter.subject == email.subject == "Uw persoonsgegevens zijn betrokken bij een datalek"
    assert letter.body.startswith("Huisartsenpraktijk De Linde\n[adres]\n\n[naam]\n[adres]\n\n29-03-2026\n\n"
                                  "Uw persoonsgegevens zijn betrokken bij een datalek\n\nBeste [naam],")
    assert email.body.startswith("Beste [naam],")
    assert email.body.endswith("Met vriendelijke groet,\n\nHuisartsenpraktijk De Linde")
    english = compose_letter(facts(), "letter", "en")
    assert english.subject == "Your personal data were involved in a data breach"
    assert english.body.startswith("Huisartsenpraktijk De Linde\n[address]\n\n[name]\n[address]\n\n29-03-2026")
    assert "We discovered the breach on 29-03-2026." in english.body


@pytest.mark.parametrize("variant", ["sms", "", "Letter", None])
def test_unknown_variant_raises(variant):
    with pytest.raises(ValueError, match="variant must be one of letter, email, public"):
        compose_letter(facts(), variant, "nl")


def test_other_language_falls_back_to_dutch():
    assert compose_letter(facts(), "email", "de").language == "nl"


# --- web page -------------------------------------------------------------------------------------------------


@pytest.fixture
def subjects(api, make_controller, make_contract):
    """A confirmed incident for a controller on ``profile``; the processor notified the controller later."""

    def build(profile="boz-72h", fields=FIELDS, language="nl"):
        now = utcnow().replace(microsecond=0)
        controller = make_controller(name="Huisartsenpraktijk De Linde", language=language)
        contract = make_contract(profile, controller, reference="VO-LINDE-1")
        bystander = make_controller(name="Buiten Schot")
        make_contract("boz-72h", bystander, reference="VO-BUITEN-1")
        created = api.post("/api/v1/incidents", json={
            "title": "Bestand verkeerd gemaild", "aware_at": iso(now - timedelta(days=3)), "status": "confirmed",
            "contract_ids": [contract.id], "fields": dict(fields)})
        assert created.status_code == 201, created.get_json()
        iid = created.get_json()["id"]
        notified = now - timedelta(days=1)
        filed = api.post(f"/api/v1/incidents/{iid}/filings", json={
            "kind": "controller_notice", "contract_id": contract.id, "at": iso(notified)})
        assert filed.status_code == 201
        return iid, controller, bystander, notified, f"/incidents/{iid}/subjects-letter/{controller.id}"

    return build


def test_page_shows_three_variants_with_copy_buttons(logged_in, subjects, page_of):
    iid, controller, _, notified, url = subjects()
    page = page_of(logged_in.get(url))
    buttons = {b["data-copy"] for b in page.with_class("copy", "button")}
    for variant in VARIANTS:
        section = page.by_id(f"variant-{variant}")
        assert section is not None and section["data-key"] == variant
        text = page.text(f"text-{variant}")
        assert f"text-{variant}" in buttons
        assert page.by_id(f"text-{variant}")["lang"] == "nl"
        for value in FIELDS.values():
            assert value in text, (variant, value)
        # the controller learnt of the breach from the processor's notice: that is the date in the letter
        assert f"Wij ontdekten het datalek op {to_local(notified).strftime('%d-%m-%Y')}." in text
    assert "subject-email" in buttons
    assert page.text("subject-email") == "Uw persoonsgegevens zijn betrokken bij een datalek"
    assert page.text("text-public").startswith("Mededeling over een datalek bij Huisartsenpraktijk De Linde")
    assert "Beste [naam]" not in page.text("text-public")
    assert not page.with_class("missing")


def test_page_texts_equal_the_composed_letters(logged_in, subjects, page_of):
    known = {"nature": "Inbraak", "affected_data": "Namen en BSN"}
    iid, controller, _, notified, url = subjects(fields=known)
    page = page_of(logged_in.get(url))
    composed = LetterFacts("Huisartsenpraktijk De Linde", notified, known)
    for variant in VARIANTS:
        assert page.text(f"text-{variant}") == compose_letter(composed, variant, "nl").body
    missing = page.with_class("missing", "p")
    assert len(missing) == 3  # one line per variant naming the fields still to fill in


def test_page_in_english(logged_in, subjects, page_of):
    _, _, _, _, url = subjects()
    page = page_of(logged_in.get(url + "?letter_lang=en"))
    assert page.text("text-letter").count("Dear [name],") == 1
    assert "What happened?" in page.text("text-email") and "Wat is er gebeurd?" not in page.text("text-email")
    assert page.text("text-public").startswith("Notice of a data breach at Huisartsenpraktijk De Linde")
    assert {page.by_id(f"text-{v}")["lang"] for v in VARIANTS} == {"en"}
    assert page.text("subject-email") == "Your personal data were involved in a data breach"


def test_page_defaults_to_the_controllers_language(logged_in, subjects, page_of):
    _, _, _, _, url = subjects(language="en")
    page = page_of(logged_in.get(url))
    assert page.text("text-email").startswith("Dear [name],")
    assert page_of(logged_in.get(url + "?letter_lang=nl")).text("text-email").startswith("Beste [naam],")


def test_page_refuses_unknown_language_and_unaffected_controller(logged_in, subjects):
    iid, _, bystander, _, url = subjects()
    assert logged_in.get(url + "?letter_lang=xx").status_code == 400
    assert logged_in.get(url + "?letter_lang=EN").status_code == 400
    assert logged_in.get(f"/incidents/{iid}/subjects-letter/{bystander.id}").status_code == 404
    assert logged_in.get(f"/incidents/{iid}/subjects-letter/999999").status_code == 404
    assert logged_in.get(f"/incidents/999999/subjects-letter/{bystander.id}").status_code == 404


def test_page_needs_a_login(app, subjects):
    _, _, _, _, url = subjects()
    response = app.test_client().get(url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_guard_for_a_contract_that_forbids_informing_data_subjects(logged_in, subjects, page_of):
    _, _, _, _, url = subjects("boz-72h")
    page = page_of(logged_in.get(url))
    guards = [" ".join(g.split()) for g in page.texts_in_class("guard")]
    assert len(guards) == 1
    guard = guards[0]
    assert guard.startswith("Zivver Licentievoorwaarden, Bijlage 1: Verwerkersovereenkomst (BOZ-model), Art. 5.6:")
    assert "Het is Verwerker niet toegestaan informatie te verstrekken over Inbreuken aan Betrokkenen" in guard
    assert "the processor may not inform data subjects about this breach" in guard
    assert "(profile 'boz-72h')" in guard


def test_no_guard_where_the_processor_may_inform(logged_in, subjects, page_of):
    _, _, _, _, url = subjects("citodent")
    page = page_of(logged_in.get(url))
    assert page.texts_in_class("guard") == []


def decide(api, iid, controller, ground):
    body = {"controller_id": controller.id, "decision_maker": MAKER, "notify_ap": "yes", "reason": "Hoog risico"}
    body.update({"inform_data_subjects": "no", "data_subjects_ground": ground} if ground else
                {"inform_data_subjects": "yes"})
    response = api.post(f"/api/v1/incidents/{iid}/decisions", json=body)
    assert response.status_code == 201, response.get_json()


def public_highlighted(page) -> bool:
    return "highlight" in page.by_id("variant-public")["class"].split()


def test_public_notice_highlighted_for_disproportionate_effort(api, logged_in, subjects, page_of):
    iid, controller, _, _, url = subjects()
    assert not public_highlighted(page_of(logged_in.get(url)))
    decide(api, iid, controller, "unintelligible")
    assert not public_highlighted(page_of(logged_in.get(url)))
    decide(api, iid, controller, "disproportionate_effort")
    page = page_of(logged_in.get(url))
    assert public_highlighted(page)
    assert not any("highlight" in page.by_id(f"variant-{v}")["class"].split() for v in ("letter", "email"))
    assert "art. 34 lid 3 sub c" in html.unescape(page.text("subjects-decision"))
    # only the latest decision counts
    decide(api, iid, controller, None)
    assert not public_highlighted(page_of(logged_in.get(url)))


def test_financial_severity_adds_the_bank_advice(logged_in, subjects, page_of):
    iid, _, _, _, url = subjects()
    assert ADVICE["nl"]["bank"] not in page_of(logged_in.get(url)).text("text-letter")
    record_severity(db.session.get(Incident, iid), {"data_types": ["financial"], "identification": "limited"})
    db.session.commit()
    assert ADVICE["nl"]["bank"] in page_of(logged_in.get(url)).text("text-letter")


def test_dutch_page_has_no_english_interface_text(api, logged_in, subjects):
    iid, controller, _, _, url = subjects(fields={"nature": "Inbraak"})
    decide(api, iid, controller, "disproportionate_effort")
    text = logged_in.get(url).get_data(as_text=True)
    for english in ("Copy text", "Language of the drafts", "Latest decision on informing data subjects",
                    "Still to fill in:", "Public notice (disproportionate effort"):
        assert english not in text, english
