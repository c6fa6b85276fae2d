"""Who may see, submit, correct and triage which referral. Every view and endpoint of this
app goes through here; a referral a user may not see is answered like one that does not
exist (404).
"""

from django.db.models import QuerySet
from django.http import Http404

from avrr import rules
from avrr.roles import Role
from avrr.rules import AnyUser
from cases.referrals.models import Referral, ReferralAttachment, ReferralStatus


def referrals_for(user: AnyUser) -> QuerySet[Referral]:
    """An NGO sees what it submitted; an IOM office sees what was sent to it."""
    if rules.has_role(user, Role.ADMIN):
        return Referral.objects.all()
    organisation = rules.referring_organisation(user)
    if organisation is not None:
        return Referral.objects.filter(organisation=organisation)
    office = rules.works_for_iom_office(user)
    if office is not None:
        return Referral.objects.filter(office=office)
    return Referral.objects.none()


def referral_for(user: AnyUser, pk: int) -> Referral:
    referral = referrals_for(user).filter(pk=pk).first()
    if referral is None:
        raise Http404
    return referral


def referral_attachment_for(user: AnyUser, *, referral_pk: int, pk: int) -> ReferralAttachment:
    """A file of a referral the user may see."""
    attachment = ReferralAttachment.objects.filter(
        referral__in=referrals_for(user), referral_id=referral_pk, pk=pk
    ).first()
    if attachment is None:
        raise Http404
    return attachment


def can_submit_referrals(user: AnyUser) -> bool:
    return rules.referring_organisation(user) is not None


def can_correct_referral(user: AnyUser, referral: Referral) -> bool:
    """The NGO may correct or withdraw its referral until IOM starts looking at it."""
    organisation = rules.referring_organisation(user)
    return (
        organisation is not None
        and organisation.pk == referral.organisation_id
        and referral.status == ReferralStatus.SUBMITTED
    )


def can_list_referrals(user: AnyUser) -> bool:
    return (
        can_submit_referrals(user) or can_triage_referrals(user) or rules.has_role(user, Role.ADMIN)
    )


def can_triage_referrals(user: AnyUser) -> bool:
    return rules.works_for_iom_office(user) is not None


def sees_referrals_as_referrer(user: AnyUser) -> bool:
    """An NGO is shown what it may know of its referrals: their status as it sees it
    (`departed` once the case has left), never the case IOM opened."""
    return can_submit_referrals(user)


# IOM may accept or decline a referral in these statuses, and start its review in the first.
DECIDABLE_STATUSES = frozenset({ReferralStatus.SUBMITTED, ReferralStatus.UNDER_REVIEW})


def can_triage_referral(user: AnyUser, referral: Referral) -> bool:
    """Caseworkers and supervisors of the office the referral was sent to."""
    office = rules.works_for_iom_office(user)
    return office is not None and office.pk == referral.office_id


def can_start_review(user: AnyUser, referral: Referral) -> bool:
    return can_triage_referral(user, referral) and referral.status == ReferralStatus.SUBMITTED


def can_decide_referral(user: AnyUser, referral: Referral) -> bool:
    return can_triage_referral(user, referral) and referral.status in DECIDABLE_STATUSES


# Who sees which panel of the home page.


def can_see_triage_inbox(user: AnyUser) -> bool:
    """Supervisors see the referrals their office has still to answer."""
    return rules.has_role(user, Role.SUPERVISOR) and can_triage_referrals(user)
