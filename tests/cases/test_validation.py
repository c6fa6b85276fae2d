"""Input the pages used to accept and should not (issue 8): over-long text, unknown
currencies, dates of past events set in the future, a referring organisation that does not
fit how the person came; and what an accepted referral carries over to its case."""

import html
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.forms import ModelChoiceField
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import Settings

from avrr.models import Organisation, User
from cases.forms import AssistanceForm, CaseEditForm, CounsellingForm, PersonForm
from cases.models import Assistance, Case, Person, Relationship
from cases.referrals.services import referral_accept, referral_submit
from tests.factories import child_data, person_data, referral_data, register_case

NAME_TOO_LONG = "« Nom » : 100 caractères au plus (le texte en compte 5000)."


@pytest.fixture(autouse=True)
def media_root(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def case(caseworker: User) -> Case:
    return register_case(caseworker, person_data(), child_data())


def _page(response: Any) -> str:
    return html.unescape(response.content.decode())


def _registration(**overrides: str) -> dict[str, str]:
    data = {
        "registered_on": timezone.localdate().isoformat(),
        "referral_source": "walk_in",
        "priority": "0",
        "people-TOTAL_FORMS": "1",
        "people-INITIAL_FORMS": "0",
        "people-0-relationship": "principal",
        "people-0-family_name": "Bah",
        "people-0-given_name": "Fatoumata",
        "people-0-sex": "F",
        "people-0-age": "30",
        "people-0-nationality": "GN",
    }
    return data | overrides


def _case_edit(case: Case, **overrides: str) -> dict[str, str]:
    data = {
        "version": str(case.version),
        "priority": "0",
        "referral_source": "walk_in",
        "referring_organisation": "",
        "return_reason": "",
        "justice_decision": "",
        "justice_decision_on": "",
        "justice_reference": "",
    }
    return data | overrides


# Over-long text ------------------------------------------------------------------------


@pytest.mark.parametrize("form_class", [PersonForm, CaseEditForm, CounsellingForm])
def test_no_input_tells_the_browser_to_cut_the_text(db: None, form_class: type[Any]) -> None:
    """A browser silently cuts what is pasted past `maxlength`: the server refuses instead."""
    assert "maxlength" not in str(form_class())


def test_registration_page_refuses_an_overlong_name(client: Client, caseworker: User) -> None:
    client.force_login(caseworker)
    assert "maxlength" not in client.get(reverse("cases:register")).content.decode()
    response = client.post(
        reverse("cases:register"), _registration(**{"people-0-family_name": "A" * 5000})
    )
    assert response.status_code == 200
    assert NAME_TOO_LONG in _page(response)
    assert not Case.objects.exists()


def test_person_page_refuses_an_overlong_name(client: Client, caseworker: User, case: Case) -> None:
    person = case.people.get(relationship=Relationship.PRINCIPAL)
    url = reverse("cases:person_edit", args=[case.pk, person.pk])
    client.force_login(caseworker)
    assert "maxlength" not in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "version": str(person.version),
            "family_name": "A" * 5000,
            "given_name": "Mariama",
            "sex": "F",
            "birth_date": "1995-03-14",
            "birth_date_precision": "exact",
            "nationality": "GN",
            "country_of_return": "GN",
        },
    )
    assert response.status_code == 200
    assert NAME_TOO_LONG in _page(response)
    stored = Person.objects.get(pk=person.pk)
    assert (stored.family_name, stored.version) == ("Camara", 1)


# Currencies ----------------------------------------------------------------------------


def test_assistance_page_offers_the_programme_currencies_first(
    client: Client, caseworker: User, case: Case
) -> None:
    client.force_login(caseworker)
    page = _page(client.get(reverse("cases:assistance_add", args=[case.pk])))
    offered = page[page.index('name="currency"') :]
    offered = offered[: offered.index("</select>")]
    first = [line.strip() for line in offered.splitlines() if "<option" in line][:5]
    assert first == [
        '<option value="MAD" selected>MAD — dirham marocain</option>',
        '<option value="USD">USD — dollar des États-Unis</option>',
        '<option value="EUR">EUR — euro</option>',
        '<option value="XOF">XOF — franc CFA (BCEAO)</option>',
        '<option value="GNF">GNF — franc guinéen</option>',
    ]
    assert '<optgroup label="Autres devises">' in offered
    assert 'value="XYZ"' not in offered


def test_assistance_page_refuses_an_unknown_currency(
    client: Client, caseworker: User, case: Case
) -> None:
    person = case.people.get(relationship=Relationship.PRINCIPAL)
    url = reverse("cases:assistance_add", args=[case.pk])
    form = {
        "people": [str(person.pk)],
        "kind": "purchase_voucher",
        "given_on": timezone.localdate().isoformat(),
        "quantity": "1",
        "value": "100",
    }
    client.force_login(caseworker)
    assert client.post(url, form | {"currency": "XYZ"}).status_code == 200
    assert not Assistance.objects.exists()
    assert client.post(url, form | {"currency": "GNF"}).status_code == 302
    assert Assistance.objects.get().currency == "GNF"


def test_assistance_form_offers_the_configured_currencies(settings: Settings) -> None:
    settings.PROGRAMME_CURRENCIES = ["XOF", "EUR"]
    select = html.unescape(str(AssistanceForm()["currency"]))
    assert '<option value="XOF" selected>XOF — franc CFA (BCEAO)</option>' in select
    assert select.index('"XOF"') < select.index('"EUR"') < select.index("Autres devises")


# Dates of past events ------------------------------------------------------------------


def test_case_page_refuses_a_justice_decision_dated_2030(
    client: Client, caseworker: User, case: Case
) -> None:
    client.force_login(caseworker)
    response = client.post(
        reverse("cases:edit", args=[case.pk]),
        _case_edit(
            case,
            justice_decision="return_authorised",
            justice_decision_on="2030-01-15",
            justice_reference="TPI-RBA/2030/1",
        ),
    )
    assert response.status_code == 200
    assert "La date est dans le futur." in _page(response)
    case.refresh_from_db()
    assert (case.justice_decision, case.justice_decision_on, case.version) == ("", None, 1)


@pytest.mark.parametrize(
    ("page", "form"),
    [
        ("declaration_add", {"signed_on": "{future}"}),
        ("counselling_add", {"held_on": "{future}", "topics": "Retour"}),
        ("assistance_add", {"given_on": "{future}", "kind": "food_kit", "quantity": "1"}),
    ],
)
def test_case_pages_refuse_past_events_dated_in_the_future(
    client: Client, caseworker: User, case: Case, page: str, form: dict[str, str]
) -> None:
    future = (timezone.localdate() + timedelta(days=1)).isoformat()
    client.force_login(caseworker)
    response = client.post(
        reverse(f"cases:{page}", args=[case.pk]),
        {name: value.format(future=future) for name, value in form.items()},
    )
    assert response.status_code == 200
    assert "La date est dans le futur." in _page(response)


# How the person came -------------------------------------------------------------------


def test_registration_page_refuses_an_ngo_source_without_the_ngo(
    client: Client, caseworker: User, ngo: Organisation
) -> None:
    client.force_login(caseworker)
    response = client.post(reverse("cases:register"), _registration(referral_source="ngo"))
    assert response.status_code == 200
    assert "La personne est venue par une ONG partenaire : indiquez laquelle." in _page(response)
    assert not Case.objects.exists()
    response = client.post(
        reverse("cases:register"),
        _registration(referral_source="ngo", referring_organisation=str(ngo.pk)),
    )
    assert response.status_code == 302
    assert Case.objects.get().referring_organisation == ngo


def test_case_page_refuses_an_ngo_source_without_the_ngo(
    client: Client, caseworker: User, case: Case, ministry: Organisation
) -> None:
    client.force_login(caseworker)
    url = reverse("cases:edit", args=[case.pk])
    response = client.post(url, _case_edit(case, referral_source="ngo"))
    assert response.status_code == 200
    assert "La personne est venue par une ONG partenaire : indiquez laquelle." in _page(response)
    response = client.post(
        url, _case_edit(case, referral_source="ngo", referring_organisation=str(ministry.pk))
    )
    assert response.status_code == 200
    assert "« Ministère de l'Intérieur » n'est pas une ONG partenaire." in _page(response)
    case.refresh_from_db()
    assert (case.referral_source, case.referring_organisation, case.version) == (
        "walk_in",
        None,
        1,
    )


def test_case_page_offers_only_ngos_and_government_bodies(
    case: Case, ngo: Organisation, ministry: Organisation, office_oujda: Organisation
) -> None:
    field = CaseEditForm(instance=case).fields["referring_organisation"]
    assert isinstance(field, ModelChoiceField)
    assert field.queryset is not None
    assert set(field.queryset) == {ngo, ministry}


# What an accepted referral carries over ------------------------------------------------


def test_the_case_page_shows_the_reason_and_the_phone_of_an_accepted_referral(
    client: Client, ngo_referrer: User, office_rabat: Organisation, caseworker: User
) -> None:
    referral, _created = referral_submit(actor=ngo_referrer, data=referral_data(office_rabat))
    case = referral_accept(actor=caseworker, referral=referral)
    client.force_login(caseworker)
    page = _page(client.get(reverse("cases:detail", args=[case.pk])))
    assert "Motif du retour" in page
    assert "Souhaite rentrer auprès de sa famille à Abidjan." in page
    assert '<span dir="ltr" data-testid="phone">+212 600 00 00 00</span>' in page


def test_the_reason_for_returning_is_edited_with_the_case(
    client: Client, caseworker: User, case: Case
) -> None:
    client.force_login(caseworker)
    url = reverse("cases:edit", args=[case.pk])
    assert 'name="return_reason"' in client.get(url).content.decode()
    response = client.post(url, _case_edit(case, return_reason="Rejoindre sa mère à Labé."))
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).return_reason == "Rejoindre sa mère à Labé."


def test_case_page_saves_without_a_justice_decision_date(
    client: Client, caseworker: User, case: Case
) -> None:
    client.force_login(caseworker)
    response = client.post(reverse("cases:edit", args=[case.pk]), _case_edit(case, priority="1"))
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).priority == 1
