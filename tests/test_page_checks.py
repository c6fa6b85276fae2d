"""The checker run on every page of the suite: each rule catches a crafted bad page and
passes a good one, and the pages it is wrapped around are checked."""

import pytest
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.test import Client
from django.urls import path
from pytest_django import Settings

from tests.fixtures.page_checks import PageChecker, exemption, page_problems, raw_codes


def _page(body: str) -> str:
    return (
        '<!DOCTYPE html><html lang="fr" dir="ltr"><head><meta charset="utf-8">'
        f"<title>Dossiers</title></head><body>{body}</body></html>"
    )


GOOD_PAGE = _page(
    '<main><h1>Dossiers</h1><form><select name="status"><option value="submitted">Soumis'
    '</option></select><input name="q" value="pregnant"><textarea name="note">referral.status'
    '</textarea></form><table><tr><td><span class="cell-clip" title="Enceinte">Enceinte'
    '</span></td><td><a href="/cases/?vulnerability=pregnant">Enceinte</a></td></tr></table>'
    "<p>Le code <code>pregnant</code> est documenté.</p>"
    "<script>const template = '{{ value }}'; if (a %} b) {}</script>"
    "<style>a::after { content: '{%'; }</style><!-- {# a comment #} --></main>"
)


def test_a_good_page_passes() -> None:
    assert page_problems(GOOD_PAGE) == []


@pytest.mark.parametrize(
    "leak",
    [
        "<p>{# Un commentaire\n sur deux lignes #}</p>",
        "<p>{% if case %}</p>",
        "<p>Statut : {{ case.status }}</p>",
        '<a href="/cases/" class="{% if active %}">Dossiers</a>',
        "<p>fin du commentaire #}</p>",
    ],
)
def test_leaked_template_syntax_is_caught(leak: str) -> None:
    problems = page_problems(_page(leak))
    assert len(problems) == 1
    assert problems[0].startswith("template syntax leaks")


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("<table><tr><td>pregnant</td></tr></table>", "pregnant"),
        ('<span class="badge"> submitted </span>', "submitted"),
        ("<li><strong>referral.status</strong></li>", "referral.status"),
        ("<p>auth.login</p>", "auth.login"),
        ("<ul><li>single_parent</li></ul>", "single_parent"),
        ('<select name="s"><option value="x">food_kit</option></select>', "food_kit"),
    ],
)
def test_a_raw_code_shown_as_text_is_caught(body: str, code: str) -> None:
    assert page_problems(_page(body)) == [f"raw code shown instead of its label: {code!r}"]


def test_codes_come_from_the_models_choices_and_the_audit_actions() -> None:
    codes = raw_codes()
    assert {"pregnant", "submitted", "single_parent", "food_kit"} <= codes
    assert {"referral.status", "auth.login", "case.transition"} <= codes
    # Codes that are their own label, or do not look like codes, are words a page may show.
    assert not {"F", "M", "GN", "1"} & codes


@pytest.mark.parametrize(
    "markup",
    [
        '<select name="a"><select name="b"><option>1</option></select></select>',
        "<div><span></div></span>",
        "<p><b><i>gras</b></i></p>",
        "<table><tr><td>1</td></tr><div>hors cellule</div></table>",
        '<a href="/"><a href="/cases/">Dossiers</a></a>',
        '<p class="a" class="b">deux fois</p>',
        "<div>jamais fermé",
    ],
)
def test_ill_formed_html_is_caught(markup: str) -> None:
    problems = page_problems(_page(markup))
    assert problems
    assert all(problem.startswith("not well-formed HTML") for problem in problems)


def test_a_page_without_doctype_is_caught_and_an_htmx_fragment_is_not() -> None:
    assert page_problems("<html><body><p>Dossiers</p></body></html>")
    assert (
        page_problems(
            '<p class="small">2 dossiers</p><div><table><tr><td>1</td></tr></table></div>'
        )
        == []
    )


def test_exempt_pages_are_the_admin_the_api_and_debug_pages(settings: Settings) -> None:
    assert exemption("/admin/cases/case/", 200) is not None
    assert exemption("/api/docs/", 200) is not None
    assert exemption("/cases/", 200) is None
    assert exemption("/cases/999/", 404) is None
    settings.DEBUG = True
    assert exemption("/cases/999/", 404) is not None


def _leaking_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_page("<p>{{ case.status }}</p>"))


def _leaking_json(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"template": "{{ case.status }}"})


urlpatterns = [path("leaking/", _leaking_page), path("leaking.json", _leaking_json)]


@pytest.mark.urls(__name__)
def test_html_pages_rendered_through_the_client_are_checked(
    client: Client, checked_pages: PageChecker
) -> None:
    client.get("/leaking.json")
    assert checked_pages.problems == []
    client.get("/leaking/?page=2")
    problems = list(checked_pages.problems)
    # Cleared so that this test's own teardown check passes.
    checked_pages.problems.clear()
    assert problems == [
        "GET /leaking/?page=2 (200): template syntax leaks in <p> text: '{{ case.status }}'"
    ]
