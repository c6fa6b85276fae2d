"""The funding demo: the programme's history, an agreement nearly spent, one in dollars."""

from django.utils import timezone

from avrr.demo import demo_seed
from cases.departure import demo_funding
from cases.departure.models import FundingAgreement
from cases.departure.selectors.funding import agreement_funds, nearly_exhausted
from cases.models import Case


def test_the_demo_agreements(db: None) -> None:
    demo_seed()
    summary = demo_funding.load()

    assert summary.startswith("Demo funding: 3 agreements (MI-OIM-2007 with 3 amendments, 5500")
    memorandum = FundingAgreement.objects.get(reference=demo_funding.MEMORANDUM)
    assert list(memorandum.amendments.values_list("added_tickets", flat=True)) == [
        1000,
        1500,
        3000,
    ]
    today = timezone.localdate()
    funds = agreement_funds(memorandum, today=today, waiting_cases=Case.objects.all())
    assert (funds.tickets_used, funds.tickets_left) == (5500, 0)
    assert list(
        nearly_exhausted(FundingAgreement.objects.all(), on=today).values_list(
            "reference", flat=True
        )
    ) == [demo_funding.CURRENT]
    assert FundingAgreement.objects.get(reference=demo_funding.PROJECT).currency == "USD"
    assert demo_funding.load() == "Demo funding: agreements already there, none created."
