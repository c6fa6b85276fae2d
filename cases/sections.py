"""Sections that later phases add to the case page (travel documents, the movement…), as
apps add panels to the home page (`avrr.home`): `cases` never imports them.

An app registers a section from its `AppConfig.ready()`: the template to include, the
function computing its context for a user and a case (None when the section is not for
them), and a position among the others. The function decides through its app's access
rules and reads in a fixed number of queries whatever the number of rows; the template gets
only that context (as `section`), so that nothing else of the case page (its sensitive
notes) reaches it.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from avrr.models import User
from cases.models import Case

SectionContext = Mapping[str, Any]


@dataclass(frozen=True)
class CaseSection:
    name: str
    template: str
    context_for: Callable[[User, Case], SectionContext | None]
    position: int = 100


@dataclass(frozen=True)
class ShownSection:
    template: str
    context: SectionContext


_sections: list[CaseSection] = []


def register_section(section: CaseSection) -> None:
    """Add a section to the case page; registering the same name again changes nothing."""
    if all(existing.name != section.name for existing in _sections):
        _sections.append(section)
        _sections.sort(key=lambda existing: existing.position)


def sections_for(user: User, case: Case) -> list[ShownSection]:
    """The sections of the case page for this user, in order, each with its context."""
    shown = []
    for section in _sections:
        context = section.context_for(user, case)
        if context is not None:
            shown.append(ShownSection(section.template, context))
    return shown
