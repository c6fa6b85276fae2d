"""Case numbers under concurrency, on the real PostgreSQL."""

import threading
from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction

from avrr.models import Organisation, Sequence, User
from cases.models import Case
from cases.services import CASE_NUMBERS, case_number_allocate
from tests.factories import person_data, register_case

THREADS = 20


def sequence_of(number: str) -> int:
    return int(number.rsplit("-", 1)[1])


def test_concurrent_registrations_get_distinct_consecutive_numbers(
    postgres: None, transactional_db: None, caseworker: User
) -> None:
    start = threading.Barrier(THREADS)
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def register(index: int) -> None:
        try:
            start.wait(timeout=30)
            case = register_case(
                caseworker,
                person_data(family_name=f"Camara{index}", given_name="Mariama"),
                registered_on=date(2026, 4, 1),
            )
            with lock:
                numbers.append(case.number)
        except BaseException as error:  # reported by the main thread
            with lock:
                errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(index,)) for index in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    assert len(numbers) == THREADS
    assert len(set(numbers)) == THREADS
    assert all(number.startswith("MA-RBA-2026-") for number in numbers)
    assert sorted(sequence_of(number) for number in numbers) == list(range(1, THREADS + 1))
    assert Case.objects.count() == THREADS
    assert set(Case.objects.values_list("number", flat=True)) == set(numbers)
    office = caseworker.organisation
    assert (
        Sequence.objects.get(organisation=office, name=CASE_NUMBERS, year=2026).last_value
        == THREADS
    )


def test_allocations_follow_each_other(
    postgres: None, transactional_db: None, office_rabat: Organisation
) -> None:
    assert case_number_allocate(office=office_rabat, year=2026) == "MA-RBA-2026-000001"
    assert case_number_allocate(office=office_rabat, year=2026) == "MA-RBA-2026-000002"
    assert case_number_allocate(office=office_rabat, year=2027) == "MA-RBA-2027-000001"


def test_a_failed_registration_leaves_no_gap_and_saved_numbers_stay_unique(
    postgres: None, transactional_db: None, caseworker: User, office_rabat: Organisation
) -> None:
    first = register_case(caseworker, registered_on=date(2026, 4, 1))
    assert first.number == "MA-RBA-2026-000001"
    given: list[str] = []

    def allocate_then_fail() -> None:
        with transaction.atomic():
            given.append(case_number_allocate(office=office_rabat, year=2026))
            raise RuntimeError("the registration failed after its number was given")

    with pytest.raises(RuntimeError, match="failed after its number was given"):
        allocate_then_fail()
    assert given == ["MA-RBA-2026-000002"]
    # The failed registration's number was never seen by anyone: the next case takes it.
    after = register_case(
        caseworker, person_data(given_name="Aminata"), registered_on=date(2026, 4, 2)
    )
    assert after.number == "MA-RBA-2026-000002"
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=after.pk).update(number=first.number)
