"""Two supervisors booking the last tickets at once never overspend: 50 bookings at the
same moment, each in its own thread and database connection, on an agreement with 10
tickets left. Exactly 10 succeed; the 40 others get the clear "no funds" answer."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from avrr.models import Organisation, User
from cases.departure.models import FundingAgreement, FundingReservation
from cases.departure.services.funding import NoFunds, funding_reserve
from cases.models import Person
from tests.cases.departure.funding import agreement
from tests.factories import child_data, person_data, register_case

BOOKINGS = 50
LEFT = 10


@pytest.mark.postgres
def test_fifty_concurrent_bookings_on_ten_tickets_left(
    postgres: None,
    transactional_db: None,
    supervisor: User,
    caseworker: User,
    ministry: Organisation,
) -> None:
    funds = agreement(ministry, ticket_quota=100, tickets_reserved=100 - LEFT)
    for family in range(BOOKINGS // 10):
        register_case(
            caseworker,
            person_data(family_name=f"Camara{family}"),
            *(child_data(family_name=f"Camara{family}", given_name=f"Enfant{n}") for n in range(9)),
        )
    people = list(Person.objects.order_by("pk"))
    assert len(people) == BOOKINGS
    start = threading.Barrier(BOOKINGS)
    booked: list[FundingReservation] = []
    refused: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def book(person: Person) -> None:
        try:
            start.wait(timeout=60)
            reservation = funding_reserve(
                actor=supervisor,
                agreement=funds,
                person=person,
                cost=Decimal("2500.00"),
                currency="MAD",
            )
            with lock:
                booked.append(reservation)
        except NoFunds as no_funds:
            with lock:
                refused.append(str(no_funds))
        except BaseException as error:  # reported by the main thread
            with lock:
                errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    assert len(booked) == LEFT
    assert len(refused) == BOOKINGS - LEFT
    assert set(refused) == {f"L'accord {funds.reference} n'a plus de billet disponible."}
    stored = FundingAgreement.objects.get(pk=funds.pk)
    assert (stored.tickets_reserved, stored.budget_reserved) == (100, Decimal("25000.00"))
    assert FundingReservation.objects.filter(agreement=funds).count() == LEFT
