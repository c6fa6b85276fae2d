"""The case page's sections that later apps add (`cases.sections`): in position order, once
each, only for whom their function says, each template given only its own context."""

import copy
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import Settings

from avrr.models import User
from cases import sections
from cases.models import Case
from cases.sections import CaseSection, ShownSection, register_section, sections_for
from tests.factories import person_data, register_case


@pytest.fixture
def no_sections(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sections, "_sections", [])


@pytest.mark.usefixtures("no_sections")
def test_sections_come_in_position_order_once_each_for_whom_they_are(caseworker: User) -> None:
    case = register_case(caseworker, person_data())
    register_section(CaseSection("later", "later.html", lambda user, case: {"n": 2}, 50))
    register_section(CaseSection("first", "first.html", lambda user, case: {"n": 1}, 10))
    register_section(CaseSection("first", "other.html", lambda user, case: {"n": 9}, 1))
    register_section(CaseSection("hidden", "hidden.html", lambda user, case: None, 20))
    assert sections_for(caseworker, case) == [
        ShownSection("first.html", {"n": 1}),
        ShownSection("later.html", {"n": 2}),
    ]


@pytest.mark.usefixtures("no_sections")
def test_a_section_template_sees_its_context_and_the_case_only(
    client: Client, caseworker: User, settings: Settings, tmp_path: Path
) -> None:
    (tmp_path / "probe.html").write_text(
        '<p data-testid="probe">{{ section.word }} {{ case.number }}'
        " [{{ notes|length }}{{ can_see_notes }}]</p>"
    )
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0]["DIRS"], tmp_path]
    settings.TEMPLATES = templates
    case: Case = register_case(caseworker, person_data())
    register_section(CaseSection("probe", "probe.html", lambda user, case: {"word": "Bonjour"}))
    client.force_login(caseworker)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert f'<p data-testid="probe">Bonjour {case.number} [0]</p>' in page
