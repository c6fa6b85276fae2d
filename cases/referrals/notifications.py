"""Telling the referring NGO that its referral changed status, by e-mail, once per status.

`services` puts a message for the handler `STATUS_EMAIL` in the outbox with each status
change (avrr/outbox.py); a worker runs `referral_notify` once the change has committed,
or later if Redis or the mail relay was down.
"""

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from avrr.models import Organisation, User
from avrr.roles import Role
from cases.referrals.models import Referral, ReferralNotification, ReferralStatus

# The outbox handler's name (registered in apps.py).
STATUS_EMAIL = "referrals.status_email"


def _recipients(organisation: Organisation) -> list[User]:
    return list(
        User.objects.filter(
            organisation=organisation,
            organisation__is_active=True,
            role=Role.NGO_REFERRER,
            is_active=True,
        ).exclude(email="")
    )


@transaction.atomic
def referral_notify(*, referral_id: int, status: str) -> int:
    """E-mail the referring NGO's users that the referral reached `status`, once.

    The e-mail names the referral by its reference only: no personal data leaves the
    platform this way. Returns how many e-mails were sent (0 when already done).
    """
    referral = Referral.objects.select_related("organisation").get(pk=referral_id)
    notification, created = ReferralNotification.objects.select_for_update().get_or_create(
        referral=referral, status=status
    )
    if not created:
        return 0
    messages = []
    label = ReferralStatus(status)
    for user in _recipients(referral.organisation):
        with translation.override(user.language):
            subject = _("Référencement %(reference)s : %(status)s") % {
                "reference": referral.reference,
                "status": label.label,
            }
            body = _(
                "Bonjour,\n\nLe référencement %(reference)s de %(organisation)s est "
                "maintenant : %(status)s.\n\nConnectez-vous à la plateforme pour voir le "
                "détail.\n"
            ) % {
                "reference": referral.reference,
                "organisation": referral.organisation.name,
                "status": label.label,
            }
        messages.append(
            EmailMessage(str(subject), str(body), settings.DEFAULT_FROM_EMAIL, [user.email])
        )
    if messages:
        get_connection().send_messages(messages)
    notification.recipients = len(messages)
    notification.save(update_fields=["recipients"])
    return len(messages)
