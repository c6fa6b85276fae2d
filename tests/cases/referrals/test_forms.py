"""The referral forms mirror the service's rules, beside the field concerned."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from avrr.models import Organisation
from cases.referrals.forms import ReferralForm, ReferredPersonForm


def _referral(office: Organisation, **overrides: Any) -> dict[str, Any]:
    return {
        "office": str(office.pk),
        "urgency": "0",
        "reason": "Souhaite rentrer.",
        "contact_phone": "+212 600 00 00 00",
        "consent": "on",
        "consent_given_on": timezone.localdate().isoformat(),
        "consent_taken_by": "Fatou Diallo",
    } | overrides


@pytest.mark.parametrize("form_class", [ReferralForm, ReferredPersonForm])
def test_no_input_tells_the_browser_to_cut_the_text(db: None, form_class: type[Any]) -> None:
    assert "maxlength" not in str(form_class())


def test_an_overlong_name_is_refused_naming_the_field_and_its_limit(db: None) -> None:
    form = ReferredPersonForm(
        {
            "relationship": "principal",
            "family_name": "K" * 5000,
            "given_name": "Aminata",
            "sex": "F",
            "age": "30",
            "nationality": "CI",
        }
    )
    assert form.errors == {
        "family_name": ["« Nom » : 100 caractères au plus (le texte en compte 5000)."]
    }


def test_an_overlong_contact_phone_is_refused(office_rabat: Organisation) -> None:
    form = ReferralForm(_referral(office_rabat, contact_phone="0" * 33))
    assert form.errors == {
        "contact_phone": [
            "« Téléphone de contact » : 32 caractères au plus (le texte en compte 33)."
        ]
    }


def test_a_consent_dated_in_the_future_is_refused(office_rabat: Organisation) -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)
    form = ReferralForm(_referral(office_rabat, consent_given_on=tomorrow.isoformat()))
    assert form.errors == {"consent_given_on": ["La date est dans le futur."]}
    assert ReferralForm(_referral(office_rabat)).is_valid()
