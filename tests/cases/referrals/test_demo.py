"""The demo referrals: the demo NGOs' referrals in every status, through the services."""

from collections import Counter
from pathlib import Path

import pytest
from django.core import mail
from pytest_django import Settings

from avrr import demo
from avrr.demo import demo_seed
from avrr.models import AuditEvent
from cases.referrals.demo import REFERRALS, demo_referrals_load
from cases.referrals.models import Referral, ReferralNotification, ReferralStatus

# Status changes after submission: under review (3), reviewed then accepted (3) or declined
# (2), withdrawn (2).
STATUS_CHANGES = 3 + 3 * 2 + 2 * 2 + 2


@pytest.fixture
def media_root(settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def test_the_referrals_load_after_the_cases() -> None:
    """The cases loader creates nothing once the demo offices have a case, and accepting a
    referral opens one: it must run first (`cases` comes first in INSTALLED_APPS)."""
    assert demo._loaders.index("cases.demo.demo_cases_load") < demo._loaders.index(
        "cases.referrals.demo.demo_referrals_load"
    )


@pytest.mark.usefixtures("media_root")
def test_the_demo_ngos_have_referrals_in_every_status(db: None) -> None:
    demo_seed()
    summary = demo_referrals_load()

    referrals = Referral.objects.select_related("organisation", "case")
    assert Counter(referral.status for referral in referrals) == {
        ReferralStatus.SUBMITTED: 3,
        ReferralStatus.UNDER_REVIEW: 3,
        ReferralStatus.ACCEPTED: 3,
        ReferralStatus.DECLINED: 2,
        ReferralStatus.WITHDRAWN: 2,
    }
    assert {referral.organisation.code for referral in referrals} == {"ASM", "CAO"}
    for referral in referrals:
        assert referral.people.exists()
        assert referral.attachments.count() == 1  # the signed consent
        assert (referral.case is not None) == (referral.status == ReferralStatus.ACCEPTED)
        assert bool(referral.decline_reason) == (referral.status == ReferralStatus.DECLINED)
    # Through the services: each submission and status change is in the audit trail, and
    # each accepted referral's case was registered with its people and file.
    assert AuditEvent.objects.filter(action="referral.submit").count() == len(REFERRALS)
    assert AuditEvent.objects.filter(action="referral.status").count() == STATUS_CHANGES
    for referral in referrals.filter(status=ReferralStatus.ACCEPTED):
        assert referral.case is not None
        assert referral.case.people.count() == referral.people.count()
        assert referral.case.attachments.count() == 1
        assert AuditEvent.objects.filter(action="case.create", target_id=str(referral.case.pk))
    assert summary.startswith(f"Demo referrals: {len(REFERRALS)} referrals from 2 NGOs (")
    assert demo_referrals_load() == (
        f"Demo referrals: {len(REFERRALS)} referrals from the demo NGOs already exist, "
        "none created."
    )


@pytest.mark.usefixtures("media_root")
def test_loading_the_demo_prints_no_status_email(transactional_db: None) -> None:
    """Committed for real, as in `make run`: each status change is notified, in-process,
    and no e-mail goes out (the console backend would print them all)."""
    demo_seed()
    demo_referrals_load()

    notified = ReferralNotification.objects.all()
    assert notified.count() == STATUS_CHANGES
    assert all(notification.recipients == 1 for notification in notified)
    assert mail.outbox == []
