"""The referral events shown in the timeline of the case opened from the referral."""

from django.utils.translation import gettext as _

from avrr.models import AuditEvent
from cases.referrals.models import ReferralStatus


def describe_referral_status(event: AuditEvent) -> str:
    """`changes` holds the status as [previous, new] codes; the new one is shown by its label."""
    _previous, current = event.changes.get("status", ["", ""])
    label = ReferralStatus(current).label if current in ReferralStatus.values else current
    return _("Référencement : %(status)s.") % {"status": label}
