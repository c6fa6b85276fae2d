"""Case list benchmark at 100,000 cases on PostgreSQL.

    createdb -h 127.0.0.1 -U postgres avrr_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/avrr_bench DEBUG=true \\
        .venv/bin/python bench/case_list.py [--runs 30] [--explain N] [--direct]

1. Migrates the database and, if it holds fewer than 100,000 cases, fills it with a
   benchmark fixture written with bulk_create (cases, people, vulnerabilities: the services
   are far too slow for this volume). Runs VACUUM ANALYZE every time.
2. Times the case list as a caseworker of one office sees it, for each scenario: the whole
   Django request through django.test.Client on the URL "cases:list" when it exists;
   otherwise (or with --direct) the same work the view does: CaseFilter over
   selectors.case_list(access.cases_for(user)), the first page of 50 rows materialised,
   plus the count. When the connection has PostgreSQL's JIT on, a second series runs with
   `SET jit = off`.
3. Prints median and p95 per scenario as a Markdown table, then EXPLAIN (ANALYZE, BUFFERS)
   of the slowest queries of the N slowest scenarios.
"""

import argparse
import logging
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "avrr.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.core.paginator import Paginator  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.backends.base.base import BaseDatabaseWrapper  # noqa: E402
from django.db.backends.signals import connection_created  # noqa: E402
from django.http import HttpRequest  # noqa: E402
from django.test import Client, RequestFactory  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from avrr.models import Organisation, Sequence, User  # noqa: E402
from avrr.roles import Role  # noqa: E402
from cases import access, selectors  # noqa: E402
from cases.demo import NAMES, NATIONALITY_WEIGHTS  # noqa: E402
from cases.models import (  # noqa: E402
    Case,
    CaseStatus,
    Person,
    Relationship,
    Sex,
    Vulnerability,
    VulnerabilityCode,
)
from cases.names import name_key  # noqa: E402
from cases.selectors import CaseFilter  # noqa: E402
from cases.services import CASE_NUMBERS  # noqa: E402

TARGET_CASES = 100_000
CHUNK = 10_000
PAGE_SIZE = 50
SEED = 100_000
OFFICES = (("OIM Rabat", "RBA"), ("OIM Oujda", "OUJ"))
FIRST_DAY = date(2019, 1, 1)
BENCH_USER = "bench.rba.1"
K = TypeVar("K")

# Older cases have mostly left; recent ones are still being assisted.
OLD_STATUSES = {
    CaseStatus.CLOSED: 55,
    CaseStatus.REINTEGRATING: 12,
    CaseStatus.DEPARTED: 6,
    CaseStatus.WITHDRAWN: 15,
    CaseStatus.WAITING_FUNDS: 6,
    CaseStatus.READY: 2,
    CaseStatus.ASSISTING: 3,
    CaseStatus.REGISTERED: 1,
}
RECENT_STATUSES = {
    CaseStatus.REGISTERED: 20,
    CaseStatus.ASSISTING: 40,
    CaseStatus.READY: 12,
    CaseStatus.WAITING_FUNDS: 13,
    CaseStatus.WITHDRAWN: 8,
    CaseStatus.DEPARTED: 7,
}
HOUSEHOLD_SIZES = {1: 80, 2: 12, 3: 5, 4: 3}  # about 1.3 people per case
ADULT_CODES = {
    VulnerabilityCode.MEDICAL_CONDITION: 50,
    VulnerabilityCode.TRAFFICKING_VICTIM: 10,
    VulnerabilityCode.DISABILITY: 10,
    VulnerabilityCode.GBV_SURVIVOR: 10,
    VulnerabilityCode.PREGNANT: 8,
    VulnerabilityCode.ELDERLY: 2,
}


# The fixture --------------------------------------------------------------------------


def pick(rng: random.Random, weights: dict[K, int]) -> K:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def offices_and_staff() -> tuple[list[Organisation], dict[int, list[User]]]:
    offices = []
    staff: dict[int, list[User]] = {}
    for name, code in OFFICES:
        office, _ = Organisation.objects.get_or_create(
            code=code, defaults={"name": name, "kind": Organisation.Kind.IOM_OFFICE}
        )
        offices.append(office)
        staff[office.pk] = []
        for index in range(1, 5):
            username = f"bench.{code.lower()}.{index}"
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(
                    username=username,
                    role=Role.CASEWORKER,
                    organisation=office,
                    first_name="Bench",
                    last_name=f"{code} {index}",
                )
                user.set_unusable_password()
                user.save()
            staff[office.pk].append(user)
    return offices, staff


class Fixture:
    def __init__(self, offices: list[Organisation], staff: dict[int, list[User]]) -> None:
        self.rng = random.Random(SEED)
        self.offices = offices
        self.staff = staff
        self.today = timezone.localdate()
        self.span = (self.today - FIRST_DAY).days
        sequences = Sequence.objects.filter(organisation__in=offices, name=CASE_NUMBERS)
        self.sequence = {(row.organisation_id, row.year): row.last_value for row in sequences}

    def number(self, office: Organisation, year: int) -> str:
        value = self.sequence.get((office.pk, year), 0) + 1
        self.sequence[(office.pk, year)] = value
        return f"{office.country}-{office.code}-{year}-{value:06d}"

    def cases(self, count: int) -> list[Case]:
        rng = self.rng
        days = sorted(rng.randint(0, self.span) for _ in range(count))
        built = []
        for offset in days:
            registered_on = FIRST_DAY + timedelta(days=offset)
            office = rng.choice(self.offices)
            recent = (self.today - registered_on).days < 365
            built.append(
                Case(
                    number=self.number(office, registered_on.year),
                    office=office,
                    assigned_to=rng.choice(self.staff[office.pk]),
                    referral_source=rng.choice(["walk_in", "walk_in", "word_of_mouth", "ngo"]),
                    status=pick(rng, RECENT_STATUSES if recent else OLD_STATUSES),
                    priority=pick(rng, {0: 85, 1: 12, 2: 3}),
                    registered_on=registered_on,
                )
            )
        return built

    def person(self, case: Case, nationality: str, relationship: str, sex: str, age: int) -> Person:
        rng = self.rng
        book = NAMES[nationality]
        family = rng.choice(book.family)
        given = rng.choice(book.male if sex == Sex.MALE else book.female)
        adult = age >= 18
        return Person(
            case=case,
            relationship=relationship,
            family_name=family,
            given_name=given,
            sex=sex,
            birth_date=case.registered_on - timedelta(days=int(age * 365.25) + rng.randint(1, 300)),
            nationality=nationality,
            country_of_return=nationality,
            languages=rng.choice(book.languages),
            travel_document_number=(
                f"{nationality}P{rng.randint(0, 9_999_999):07d}"
                if adult and rng.random() < 0.5
                else ""
            ),
            id_document_number=(
                f"{nationality}N{rng.randint(0, 9_999_999):07d}"
                if adult and rng.random() < 0.2
                else ""
            ),
            name_key=name_key(family, given),
        )

    def household(self, case: Case) -> list[tuple[Person, list[str]]]:
        rng = self.rng
        nationality = pick(rng, NATIONALITY_WEIGHTS)
        size = pick(rng, HOUSEHOLD_SIZES)
        if size == 1 and rng.random() < 0.04:  # unaccompanied minor
            minor = self.person(case, nationality, Relationship.PRINCIPAL, Sex.MALE, 16)
            return [(minor, [VulnerabilityCode.UNACCOMPANIED_MINOR])]
        principal_sex = Sex.FEMALE if rng.random() < (0.1 if size == 1 else 0.5) else Sex.MALE
        age = rng.randint(21, 30) if rng.random() < 0.65 else rng.randint(18, 55)
        people = [self.person(case, nationality, Relationship.PRINCIPAL, principal_sex, age)]
        for index in range(1, size):
            if index == 1 and rng.random() < 0.5:
                relationship, member_sex, member_age = Relationship.SPOUSE, Sex.FEMALE, age - 2
                if principal_sex == Sex.FEMALE:
                    relationship, member_sex = (
                        Relationship.CHILD,
                        rng.choice([Sex.MALE, Sex.FEMALE]),
                    )
                    member_age = rng.randint(0, 12)
            else:
                relationship, member_sex = Relationship.CHILD, rng.choice([Sex.MALE, Sex.FEMALE])
                member_age = rng.randint(0, 12)
            people.append(self.person(case, nationality, relationship, member_sex, member_age))
        household: list[tuple[Person, list[str]]] = []
        for person in people:
            codes: list[str] = []
            if person.relationship == Relationship.PRINCIPAL and size > 1 and rng.random() < 0.3:
                codes.append(VulnerabilityCode.SINGLE_PARENT)
            if rng.random() < 0.08:
                codes.append(pick(rng, ADULT_CODES))
            household.append((person, codes))
        return household

    def fill(self, missing: int) -> None:
        done = 0
        while done < missing:
            count = min(CHUNK, missing - done)
            with transaction.atomic():
                cases = Case.objects.bulk_create(self.cases(count), batch_size=2000)
                households = [self.household(case) for case in cases]
                people = Person.objects.bulk_create(
                    [person for household in households for person, _codes in household],
                    batch_size=2000,
                )
                assert all(person.pk for person in people)
                Vulnerability.objects.bulk_create(
                    [
                        Vulnerability(person=person, case=person.case, code=code)
                        for household in households
                        for person, codes in household
                        for code in codes
                    ],
                    batch_size=5000,
                )
                for (office_id, year), value in self.sequence.items():
                    Sequence.objects.update_or_create(
                        organisation_id=office_id,
                        name=CASE_NUMBERS,
                        year=year,
                        defaults={"last_value": value},
                    )
            done += count
            print(f"  {done:,}/{missing:,} cases", flush=True)


def ensure_fixture() -> None:
    call_command("migrate", verbosity=0)
    existing = Case.objects.count()
    offices, staff = offices_and_staff()
    if existing < TARGET_CASES:
        print(f"Filling: {existing:,} cases, adding {TARGET_CASES - existing:,}…", flush=True)
        started = time.perf_counter()
        Fixture(offices, staff).fill(TARGET_CASES - existing)
        print(f"Filled in {time.perf_counter() - started:.0f} s.")
    # Every time: a migration may have added or rewritten columns since the last run.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


# The measurements ---------------------------------------------------------------------


@dataclass
class Scenario:
    name: str
    params: dict[str, str]


@dataclass
class Result:
    scenario: Scenario
    median_ms: float
    p95_ms: float
    rows: int
    total: int
    queries: list[tuple[float, str]]


def scenarios(user: User) -> list[Scenario]:
    """Each search uses values that exist in the user's office."""
    office_people = Person.objects.filter(case__office=user.organisation)
    case = Case.objects.filter(office=user.organisation).order_by("registered_on")[5000]
    document = (
        office_people.exclude(travel_document_number="").order_by("id")[1000].travel_document_number
    )
    return [
        Scenario("no filter", {}),
        Scenario("status = assisting", {"status": "assisting"}),
        Scenario(
            "nationality = ML + vulnerability = medical",
            {"nationality": "ML", "vulnerability": "medical_condition"},
        ),
        Scenario("name 'kouyate' (stored Kouyaté)", {"q": "kouyate"}),
        Scenario("name 'mariama kouyate'", {"q": "mariama kouyate"}),
        Scenario("case number (lower case)", {"q": case.number.lower()}),
        Scenario("document number", {"q": document.lower()}),
    ]


def list_view_url() -> str | None:
    try:
        return reverse("cases:list")
    except NoReverseMatch:
        return None


def direct_list(user: User, params: dict[str, str]) -> tuple[int, int]:
    """What the list view does: filter, first page of 50 rows, and the count."""
    request: HttpRequest = RequestFactory().get("/cases/", params)
    request.user = user
    filterset = CaseFilter(
        request.GET, queryset=selectors.case_list(access.cases_for(user)), request=request
    )
    if not filterset.is_valid():
        raise SystemExit(f"Invalid filter {params}: {filterset.errors}")
    paginator = Paginator(filterset.qs, PAGE_SIZE)
    page = paginator.page(1)
    rows = list(page.object_list)
    for row in rows:  # what a row shows
        _ = (row.principals, row.household_size, row.office.code, row.assigned_to)
    return len(rows), paginator.count


def timed(run: Callable[[], object], runs: int, warm_up: int = 3) -> list[float]:
    for _ in range(warm_up):
        run()
    durations = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        durations.append((time.perf_counter() - started) * 1000)
    return durations


def p95(durations: list[float]) -> float:
    return statistics.quantiles(durations, n=20, method="inclusive")[18]


def measure(user: User, scenario: Scenario, runs: int, url: str | None) -> Result:
    if url is not None:
        client = Client(HTTP_HOST="localhost")
        client.force_login(user, backend="avrr.backends.ActiveOrganisationBackend")

        def run() -> object:
            response = client.get(url, scenario.params)
            assert response.status_code == 200, response.status_code
            return response

    else:

        def run() -> object:
            return direct_list(user, scenario.params)

    durations = timed(run, runs)
    rows, total = direct_list(user, scenario.params)
    with CaptureQueriesContext(connection) as captured:
        run()
    queries = sorted(
        ((float(query["time"]) * 1000, query["sql"]) for query in captured.captured_queries),
        reverse=True,
    )
    return Result(
        scenario, statistics.median(durations), p95(durations), rows, total, list(queries)
    )


def explain(sql: str) -> Iterator[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        for (line,) in cursor.fetchall():
            yield line


def machine() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        (version,) = cursor.fetchone()
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kilobytes = int(meminfo.read_text().split()[1])
        memory = f"{kilobytes / 1024 / 1024:.1f} GiB"
    return [f"CPUs: {os.cpu_count()}", f"Memory: {memory}", f"PostgreSQL: {version}"]


def _set_jit_off(sender: object, connection: BaseDatabaseWrapper, **kwargs: object) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET jit = off")


@contextmanager
def jit_off() -> Iterator[None]:
    """PostgreSQL's JIT compilation off for this process's connections."""
    connection_created.connect(_set_jit_off)
    with connection.cursor() as cursor:
        cursor.execute("SET jit = off")
    try:
        yield
    finally:
        connection_created.disconnect(_set_jit_off)
        with connection.cursor() as cursor:
            cursor.execute("RESET jit")


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--explain", type=int, default=3, help="scenarios whose plans to print")
    parser.add_argument("--direct", action="store_true", help="measure without the view")
    parser.add_argument(
        "--no-jit-off", action="store_true", help="skip the second series with jit = off"
    )
    options = parser.parse_args()
    logging.getLogger("axes").setLevel(logging.WARNING)  # one line per force_login otherwise
    if connection.vendor != "postgresql":
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database (see the docstring).")
    ensure_fixture()
    user = User.objects.select_related("organisation").get(username=BENCH_USER)
    url = None if options.direct else list_view_url()
    counts = {
        "cases": Case.objects.count(),
        "people": Person.objects.count(),
        "vulnerabilities": Vulnerability.objects.count(),
        f"cases of {user.organisation}": access.cases_for(user).count(),
    }
    print("\n".join(machine()))
    print("Dataset: " + ", ".join(f"{value:,} {name}" for name, value in counts.items()))
    how = f"whole request to {url} (django.test.Client)" if url else "filter + page + count"
    print(f"Measured: {how}, as {user.username}; {options.runs} runs after 3 warm-up runs.")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        (jit,) = cursor.fetchone()
    print(f"PostgreSQL jit as configured: {jit}")
    print(f"Load average before: {load()}")
    cases = scenarios(user)
    results = [measure(user, scenario, options.runs, url) for scenario in cases]
    without_jit: list[Result | None] = [None] * len(cases)
    if jit == "on" and not options.no_jit_off:
        with jit_off():
            without_jit = [measure(user, scenario, options.runs, url) for scenario in cases]
    print(f"Load average after: {load()}\n")
    second_series = any(without_jit)
    print(
        f"| scenario | params | matches | queries | median ms (jit {jit}) | p95 ms (jit {jit}) |"
        + (" median ms, jit off | p95 ms, jit off |" if second_series else "")
    )
    print("| --- | --- | ---: | ---: | ---: | ---: |" + (" ---: | ---: |" if second_series else ""))
    for result, other in zip(results, without_jit, strict=True):
        params = " ".join(f"{key}={value}" for key, value in result.scenario.params.items())
        second = f" {other.median_ms:.1f} | {other.p95_ms:.1f} |" if other else ""
        print(
            f"| {result.scenario.name} | `{params or '-'}` | {result.total:,} "
            f"| {len(result.queries)} | {result.median_ms:.1f} | {result.p95_ms:.1f} |{second}"
        )
    slowest = sorted(results, key=lambda result: result.median_ms, reverse=True)
    for result in slowest[: options.explain]:
        print(f"\n## {result.scenario.name}: its two slowest queries\n")
        for duration, sql in result.queries[:2]:
            print(f"-- {duration:.1f} ms\n{sql}\n")
            print("\n".join(explain(sql)), "\n")


if __name__ == "__main__":
    main()
