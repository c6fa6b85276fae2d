"""The rules a household meets to form one case: checked when a case is registered or its
people change, and already when an NGO refers the household, so that IOM can accept it."""

from collections.abc import Collection

from django.utils.translation import gettext as _

from cases.models import ADULT_AGE, UNACCOMPANIED_CODES


def unaccompanied_minor_problems(
    *, name: str, codes: Collection[str], age: int | None, household_size: int, alone: str
) -> list[str]:
    """What is wrong with a person flagged as an unaccompanied or separated minor: such a
    minor forms a household alone (`alone` says so in the caller's words), and is under 18.
    `age` is the person's age on the day that counts, None when unknown."""
    if not UNACCOMPANIED_CODES & set(codes):
        return []
    problems = [alone] if household_size != 1 else []
    if age is not None and age >= ADULT_AGE:
        problems.append(
            _("%(person)s a %(age)s ans ou plus : ce n'est pas un mineur.")
            % {"person": name, "age": ADULT_AGE}
        )
    return problems
