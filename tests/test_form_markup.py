"""The markup of a form after a failed submit: errors tied to their fields, a summary that
links to each, the page's title, and required fields marked."""

import re
from typing import Any

import pytest
from django import forms
from django.test import Client
from django.urls import reverse

from avrr.forms import BootstrapMixin
from avrr.models import User


class _BornForm(BootstrapMixin, forms.Form):
    birth_date = forms.DateField(required=False)
    age = forms.IntegerField(required=False)
    form_error_fields = ("birth_date", "age")

    def clean(self) -> dict[str, Any]:
        raise forms.ValidationError("Indiquez la date de naissance ou l'âge.")


def test_form_wide_error_is_tied_to_the_fields_it_is_about() -> None:
    form = _BornForm(data={}, prefix="people-0")
    assert not form.is_valid()
    assert form.form_errors_id == "people-0-errors"
    for name in ("birth_date", "age"):
        html = str(form[name])
        assert 'aria-invalid="true"' in html
        assert 'aria-describedby="people-0-errors"' in html
        assert "is-invalid" in html


def _registration_post(**overrides: str) -> dict[str, str]:
    data = {
        "people-TOTAL_FORMS": "1",
        "people-INITIAL_FORMS": "0",
        "people-MIN_NUM_FORMS": "1",
        "people-MAX_NUM_FORMS": "15",
        "people-0-relationship": "principal",
        "people-0-family_name": "",
        "people-0-given_name": "Mariama",
        "people-0-sex": "F",
        "people-0-nationality": "GN",
    }
    data.update(overrides)
    return data


@pytest.fixture
def failed_registration(client: Client, caseworker: User) -> str:
    client.force_login(caseworker)
    response = client.post(reverse("cases:register"), _registration_post())
    assert response.status_code == 200
    return response.content.decode()


def _tag(html: str, element_id: str) -> str:
    match = re.search(rf'<[^>]*\bid="{re.escape(element_id)}"[^>]*>', html)
    assert match, f"no element #{element_id}"
    return match.group(0)


def test_field_error_is_tied_to_its_field(failed_registration: str) -> None:
    field = _tag(failed_registration, "id_people-0-family_name")
    assert 'aria-invalid="true"' in field
    assert "is-invalid" in field
    assert 'aria-describedby="id_people-0-family_name_error"' in field
    assert 'id="id_people-0-family_name_error"' in failed_registration


def test_person_level_error_is_tied_to_the_birth_fields(failed_registration: str) -> None:
    assert 'id="people-0-errors"' in failed_registration
    for name in ("birth_date", "birth_year", "age"):
        field = _tag(failed_registration, f"id_people-0-{name}")
        assert 'aria-invalid="true"' in field
        assert 'aria-describedby="people-0-errors"' in field


def test_error_summary_links_to_each_field_in_error(failed_registration: str) -> None:
    summary = failed_registration.split('data-testid="error-summary"', 1)[1].split("</div>", 1)[0]
    assert 'href="#id_people-0-family_name"' in summary
    assert 'href="#people-0-errors"' in summary
    tag = failed_registration.split('data-testid="error-summary"', 1)[0].rsplit("<div", 1)[1]
    assert 'role="alert"' in tag
    assert 'tabindex="-1"' in tag
    assert "autofocus" in tag


def test_title_starts_with_error(failed_registration: str) -> None:
    title = re.search(r"<title>\s*(.*?)</title>", failed_registration, re.S)
    assert title
    assert title.group(1).startswith("Erreur : ")


def test_untouched_form_has_no_error_marks(client: Client, caseworker: User) -> None:
    client.force_login(caseworker)
    html = client.get(reverse("cases:register")).content.decode()
    assert 'data-testid="error-summary"' not in html
    assert "Erreur" not in re.search(r"<title>(.*?)</title>", html, re.S).group(1)  # type: ignore[union-attr]
    field = _tag(html, "id_people-0-family_name")
    assert 'aria-required="true"' in field
    assert "aria-invalid" not in field
    label = re.search(r'<label[^>]*for="id_people-0-family_name"[^>]*>.*?</label>', html, re.S)
    assert label
    assert 'class="required-mark"' in label.group(0)
    assert "(obligatoire)" in label.group(0)


def test_checkbox_groups_are_fieldsets_with_bootstrap_inputs(
    client: Client, caseworker: User
) -> None:
    client.force_login(caseworker)
    html = client.get(reverse("cases:register")).content.decode()
    assert '<fieldset id="id_people-0-vulnerabilities"' in html
    option = _tag(html, "id_people-0-vulnerabilities_0")
    assert "form-check-input" in option
