"""LOGGING: each record is printed once, in development as in production."""

import logging
from collections.abc import Iterator

import pytest
from django.utils.log import configure_logging
from pytest_django import Settings


@pytest.fixture
def restored_logging() -> Iterator[None]:
    """The test configures logging again; every logger gets its handlers back afterwards."""
    loggers = [
        logging.getLogger(),
        *(
            logger
            for logger in logging.Logger.manager.loggerDict.values()
            if isinstance(logger, logging.Logger)
        ),
    ]
    saved = [
        (logger, logger.handlers[:], logger.level, logger.propagate, logger.disabled)
        for logger in loggers
    ]
    yield
    for logger, handlers, level, propagate, disabled in saved:
        logger.handlers = handlers
        logger.setLevel(level)
        logger.propagate = propagate
        logger.disabled = disabled


@pytest.mark.usefixtures("restored_logging")
@pytest.mark.parametrize("debug", [True, False], ids=["development", "production"])
def test_each_record_is_printed_once(
    settings: Settings, capsys: pytest.CaptureFixture[str], debug: bool
) -> None:
    settings.DEBUG = debug
    # As django.setup() does, with the handlers writing to the captured stderr.
    configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)

    logging.getLogger("django.request").warning("Not Found: /nowhere/")
    logging.getLogger("cases.referrals.tasks").warning("An app's record")
    logging.getLogger("django.server").info('"GET /health/ HTTP/1.1" 200 15')

    printed = capsys.readouterr().err
    assert printed.count("Not Found: /nowhere/") == 1
    assert printed.count("An app's record") == 1
    # runserver's request lines keep Django's format (with the time).
    assert printed.count('"GET /health/ HTTP/1.1" 200 15') == 1
    assert '] "GET /health/ HTTP/1.1" 200 15' in printed
