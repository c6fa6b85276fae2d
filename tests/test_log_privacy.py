"""No personal data in the logs: the search terms of a query string (names, document
numbers) and the typed sign-in names stay out of every record, at every level, and out of
what the configured handlers print."""

import http.client
import io
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer
from django.test import Client
from django.urls import reverse

from avrr.models import User
from cases.models import Case
from tests.factories import person_data, register_case

# The registered person's family name and a document number, as a search would send them.
NAME = "Camara"
DOCUMENT = "GN0451872"
SEARCH = {"q": NAME, "document": DOCUMENT}


@dataclass
class Logged:
    """What the logs hold: every record, at DEBUG on every logger, and what the handlers
    configured in settings.LOGGING printed."""

    caplog: pytest.LogCaptureFixture
    streams: list[io.StringIO] = field(default_factory=list)

    @property
    def records(self) -> list[logging.LogRecord]:
        return self.caplog.records

    def holding(self, *secrets: str) -> list[str]:
        found = []
        for record in self.records:
            # The message and everything the record carries (its request, its arguments).
            text = f"{record.getMessage()} {vars(record)!r}"
            found += [
                f"{record.name}: {secret} in {text[:300]}" for secret in secrets if secret in text
            ]
        for stream in self.streams:
            printed = stream.getvalue()
            found += [
                f"printed: {secret} in {printed[:300]}" for secret in secrets if secret in printed
            ]
        return found


def _configured_handlers() -> list[logging.StreamHandler[io.StringIO]]:
    """The handlers settings.LOGGING installed: the root's console and runserver's."""
    handlers = [*logging.getLogger().handlers, *logging.getLogger("django.server").handlers]
    return [handler for handler in handlers if type(handler) is logging.StreamHandler]


@pytest.fixture
def logged(caplog: pytest.LogCaptureFixture) -> Iterator[Logged]:
    caplog.set_level(logging.DEBUG)
    for name, logger in list(logging.Logger.manager.loggerDict.items()):
        if isinstance(logger, logging.Logger):
            caplog.set_level(logging.DEBUG, logger=name)
    # runserver's records do not reach the root logger, where caplog listens.
    server_logger = logging.getLogger("django.server")
    server_logger.addHandler(caplog.handler)
    handlers = _configured_handlers()
    assert handlers, "settings.LOGGING's handlers are not installed"
    streams = [io.StringIO() for _handler in handlers]
    previous = [
        handler.setStream(stream) for handler, stream in zip(handlers, streams, strict=True)
    ]
    try:
        yield Logged(caplog=caplog, streams=streams)
    finally:
        for handler, stream in zip(handlers, previous, strict=True):
            handler.setStream(stream)  # type: ignore[arg-type]
        server_logger.removeHandler(caplog.handler)


@pytest.fixture
def case(caseworker: User) -> Case:
    return register_case(caseworker, person_data(family_name=NAME))


def test_a_search_by_name_leaves_no_trace(
    client: Client, caseworker: User, case: Case, logged: Logged
) -> None:
    client.force_login(caseworker)
    assert client.get(reverse("cases:list"), SEARCH).status_code == 200
    assert client.get(reverse("cases:list"), SEARCH, HTTP_HX_REQUEST="true").status_code == 200
    assert client.get("/api/v1/cases/", SEARCH).status_code == 200
    assert logged.holding(NAME, DOCUMENT) == []


def test_refused_requests_with_a_name_in_the_query_leave_no_trace(
    client: Client, caseworker: User, ngo_referrer: User, case: Case, logged: Logged
) -> None:
    client.force_login(caseworker)
    # Not found: a case out of reach, or none at all.
    assert client.get(reverse("cases:detail", args=[case.pk + 1000]), SEARCH).status_code == 404
    assert client.get("/nowhere/", SEARCH).status_code == 404
    # Bad request: an API filter with a value it does not know.
    assert client.get("/api/v1/cases/", {**SEARCH, "nationality": "ZZ"}).status_code == 400
    # Forbidden: a partner NGO has no case list.
    client.force_login(ngo_referrer)
    assert client.get(reverse("cases:list"), SEARCH).status_code == 403

    assert logged.records, "the refusals were not logged at all"
    assert logged.holding(NAME, DOCUMENT) == []


@pytest.mark.django_db
def test_a_failed_sign_in_does_not_log_the_name_typed(client: Client, logged: Logged) -> None:
    # What one types as a user name may be an e-mail address, or a password typed in the
    # wrong box.
    typed = "mariama.camara@example.org"
    response = client.post(reverse("login"), {"username": typed, "password": "not-the-one"})
    assert response.status_code == 200
    assert logged.records, "the failed sign-in was not logged at all"
    assert logged.holding(typed) == []


@contextmanager
def runserver_handling(requests: int) -> Iterator[int]:
    """Django's development server (its request handler, which logs each request line),
    serving a plain application on a free port for `requests` requests; yields the port."""

    def application(environ: dict[str, object], start_response: object) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])  # type: ignore[operator]
        return [b"ok"]

    def serve() -> None:
        for _request in range(requests):
            server.handle_request()

    server = WSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
    server.set_app(application)
    thread = threading.Thread(target=serve)
    thread.start()
    try:
        yield server.server_port
    finally:
        thread.join(timeout=10)
        server.server_close()


def test_runserver_request_lines_have_no_query_string(logged: Logged) -> None:
    with runserver_handling(requests=1) as port:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", f"/cases/?q={NAME}&document={DOCUMENT}")
        assert connection.getresponse().status == 200
        connection.close()
    assert any(record.name == "django.server" for record in logged.records)
    printed = "".join(stream.getvalue() for stream in logged.streams)
    assert '"GET /cases/ HTTP/1.1" 200' in printed
    assert logged.holding(NAME, DOCUMENT) == []
