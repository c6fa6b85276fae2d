"""The home page: each role's work list, built from the panels the apps register.

An app registers its panels from its `AppConfig.ready()`, as it does its navigation entries
(`avrr` knows none of them): the template to include, the function computing the panel's
context for a user (None when the panel is not for them), and a position. Each function
decides through its app's access rules and reads through its selectors, in a fixed number
of queries whatever the number of rows. The template gets only that context.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from avrr import rules
from avrr.models import AuditEvent, Organisation, User

PanelContext = Mapping[str, Any]


@dataclass(frozen=True)
class HomePanel:
    name: str
    template: str
    context_for: Callable[[User], PanelContext | None]
    position: int = 100


@dataclass(frozen=True)
class ShownPanel:
    template: str
    context: PanelContext


_panels: list[HomePanel] = []


def register_panel(panel: HomePanel) -> None:
    """Add a panel to the home page; registering the same name again changes nothing."""
    if all(existing.name != panel.name for existing in _panels):
        _panels.append(panel)
        _panels.sort(key=lambda existing: existing.position)


def panels_for(user: User) -> list[ShownPanel]:
    """The panels of the user's home page, in order, each with its context."""
    shown = []
    for panel in _panels:
        context = panel.context_for(user)
        if context is not None:
            shown.append(ShownPanel(panel.template, context))
    return shown


# avrr's own panels --------------------------------------------------------------------


def programme_figures_panel(user: User) -> PanelContext | None:
    """For whoever sees the programme's figures but nobody's personal data: the ministries.
    The figures themselves come with reporting; until then, the API they can use."""
    if not rules.sees_programme_figures(user) or rules.sees_personal_data(user):
        return None
    return {"api_docs_url": reverse("api-docs")}


def administration_panel(user: User) -> PanelContext | None:
    if not rules.can_use_admin_site(user):
        return None
    models = (User, Organisation, AuditEvent)
    return {
        "links": [
            (
                model._meta.verbose_name_plural,
                reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"),
            )
            for model in models
        ]
    }


register_panel(
    HomePanel("avrr.programme_figures", "avrr/home/programme_figures.html", programme_figures_panel)
)
register_panel(
    HomePanel("avrr.administration", "avrr/home/administration.html", administration_panel, 900)
)
