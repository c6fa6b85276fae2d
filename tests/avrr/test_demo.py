"""Demo loaders: registered by dotted path, imported only when demo data is loaded."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

from avrr import demo
from avrr.demo import demo_loaders, register_demo_loader
from cases.demo import demo_cases_load


def demo_nothing_load() -> str:
    return "Nothing loaded."


@pytest.fixture
def restored_loaders(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo, "_loaders", list(demo._loaders))


def test_start_up_does_not_import_the_demo_loaders() -> None:
    # A fresh interpreter: this one may have imported them already.
    code = (
        "import sys, django; django.setup(); "
        "print(sorted(name for name in sys.modules if name.endswith('.demo')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
        env=os.environ,  # with the test settings module and environment
    )
    assert result.stdout.strip() == "['avrr.demo']"


def test_the_cases_loader_is_registered_by_its_path() -> None:
    assert "cases.demo.demo_cases_load" in demo._loaders
    assert demo_cases_load in demo_loaders()


@pytest.mark.usefixtures("restored_loaders")
def test_a_loader_is_imported_when_the_loaders_are_asked_for() -> None:
    register_demo_loader("tests.avrr.test_demo.demo_nothing_load")
    register_demo_loader("tests.avrr.test_demo.demo_nothing_load")  # again: no change
    assert demo._loaders.count("tests.avrr.test_demo.demo_nothing_load") == 1
    assert demo_loaders()[-1] is demo_nothing_load
    register_demo_loader("cases.no_such_module.load")  # nothing imported yet
    with pytest.raises(ImportError):
        demo_loaders()
