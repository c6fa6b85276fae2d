"""Reads of referrals reused by the pages and the API, with their filters.

The caller passes what the user may see (`access.referrals_for`); these shape it.
"""

from datetime import datetime

import django_filters
from django.db.models import Case, F, Prefetch, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from avrr.filters import ReachableChoiceFilter
from avrr.forms import DateInput, FilterForm
from avrr.models import Organisation
from cases.models import RETURNED_STATUSES, Relationship
from cases.referrals.access import DECIDABLE_STATUSES
from cases.referrals.models import Referral, ReferralStatus, ReferredPerson, Urgency

# What the referring NGO sees as "departed": the case opened from its referral has left.
# The one place this is decided; pages, API and filters read the `status_shown` annotation.
_CASE_DEPARTED = Q(status=ReferralStatus.ACCEPTED, case__status__in=RETURNED_STATUSES)


def referrals_with_status_shown(
    referrals: QuerySet[Referral], *, as_referring_organisation: bool
) -> QuerySet[Referral]:
    """Annotate `status_shown`: the referral's status as this viewer is shown it."""
    if not as_referring_organisation:
        return referrals.annotate(status_shown=F("status"))
    return referrals.annotate(
        status_shown=Case(
            When(_CASE_DEPARTED, then=Value(ReferralStatus.DEPARTED.value)),
            default=F("status"),
        )
    )


def referral_list(
    referrals: QuerySet[Referral], *, as_referring_organisation: bool
) -> QuerySet[Referral]:
    """Referrals with what a list row shows, most urgent and newest first: the people
    referred, and among them the principal person (`principals`, a list of one)."""
    return (
        referrals_with_status_shown(referrals, as_referring_organisation=as_referring_organisation)
        .select_related("organisation", "office", "case")
        .prefetch_related(
            "people",
            Prefetch(
                "people",
                queryset=ReferredPerson.objects.filter(relationship=Relationship.PRINCIPAL),
                to_attr="principals",
            ),
        )
        .order_by("-urgency", "-submitted_at", "-pk")
    )


def referral_detail(
    referrals: QuerySet[Referral], *, as_referring_organisation: bool
) -> QuerySet[Referral]:
    """Everything the referral page and the API's detail show."""
    return (
        referral_list(referrals, as_referring_organisation=as_referring_organisation)
        .select_related("submitted_by")
        .prefetch_related(Prefetch("attachments"))
    )


class ReferralFilter(django_filters.FilterSet):
    """The filters of the referral list, for the page and the API alike."""

    status = django_filters.ChoiceFilter(
        label=_("Statut"),
        choices=ReferralStatus.choices,
        empty_label=_("Tous"),
        # The status as the user is shown it: an NGO finds "departed" referrals by it.
        field_name="status_shown",
    )
    urgency = django_filters.ChoiceFilter(
        label=_("Urgence"), choices=Urgency.choices, empty_label=_("Toutes")
    )
    organisation = ReachableChoiceFilter(
        label=_("ONG"),
        queryset=Organisation.objects.filter(kind=Organisation.Kind.NGO),
        empty_label=_("Toutes"),
    )
    submitted_after = django_filters.DateFilter(
        label=_("Soumis à partir du"),
        field_name="submitted_at",
        lookup_expr="date__gte",
        widget=DateInput(),
    )
    submitted_before = django_filters.DateFilter(
        label=_("Soumis jusqu'au"),
        field_name="submitted_at",
        lookup_expr="date__lte",
        widget=DateInput(),
    )

    class Meta:
        model = Referral
        form = FilterForm
        fields = ["status", "urgency", "organisation", "submitted_after", "submitted_before"]


# The home pages' lists -----------------------------------------------------------------


def referrals_awaiting_answer(
    referrals: QuerySet[Referral], *, as_referring_organisation: bool
) -> QuerySet[Referral]:
    """Referrals IOM has still to accept or decline: the most urgent, then the oldest first."""
    return (
        referrals_with_status_shown(
            referrals.filter(status__in=DECIDABLE_STATUSES),
            as_referring_organisation=as_referring_organisation,
        )
        .select_related("organisation")
        .order_by("-urgency", "submitted_at", "pk")
    )


def referrals_answered_since(
    referrals: QuerySet[Referral], *, since: datetime, as_referring_organisation: bool
) -> QuerySet[Referral]:
    """Referrals IOM no longer has to answer whose status changed since `since`, latest
    change first."""
    return (
        referrals_with_status_shown(
            referrals.exclude(status__in=DECIDABLE_STATUSES).filter(status_changed_at__gte=since),
            as_referring_organisation=as_referring_organisation,
        )
        .select_related("organisation")
        .order_by("-status_changed_at", "-pk")
    )
