"""The demo's movements: a past flight whose cases departed through the services, and
coming flights whose travellers are partly ready."""

from pathlib import Path

from pytest_django import Settings

from avrr.demo import demo_seed
from cases.demo import demo_cases_load
from cases.departure import demo_movements
from cases.departure.models import Movement, MovementStatus, Ticket, TicketStatus
from cases.models import Case, CaseStatus


def test_the_demo_has_past_and_coming_movements(
    db: None, settings: Settings, tmp_path: Path
) -> None:
    """One test: the cases loader takes about 20 seconds."""
    settings.MEDIA_ROOT = tmp_path
    demo_seed()
    demo_cases_load()
    summary = demo_movements.load()

    departed = Case.objects.filter(status=CaseStatus.DEPARTED)
    assert departed.count() == 4
    assert all(case.travel_mode == "air" and case.departed_on for case in departed)
    assert Movement.objects.filter(status=MovementStatus.DEPARTED).count() == 2
    coming = Movement.objects.filter(status=MovementStatus.PLANNED)
    assert coming.count() == 4
    booked = Ticket.objects.filter(status=TicketStatus.BOOKED)
    assert booked.exists()
    # Partly ready: some of the coming travellers have their PV, not all.
    with_pv = booked.filter(exit_authorisation__isnull=False).count()
    assert 0 < with_pv < booked.count()
    assert summary == (
        f"Demo movements: 6 movements, 4 cases departed, {booked.count()} tickets booked on "
        "coming flights."
    )
    assert demo_movements.load() == "Demo movements: 6 movements already exist, none created."
