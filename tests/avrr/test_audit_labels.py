"""Every action the code writes to the audit trail has a label people read (avrr.audit)."""

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from avrr.audit import action_choices, action_label, register_action_labels

PRODUCT_PACKAGES = ("avrr", "cases", "reintegration", "reporting")
# The functions that append to the audit trail: each takes the action as `action=` or as
# its second argument.
AUDIT_CALLS = {"audit_record", "_audit"}


def _audited_actions() -> Iterator[tuple[str, str]]:
    """(action, file) for each action code written by a call to an audit function."""
    base = Path(settings.BASE_DIR)
    for package in PRODUCT_PACKAGES:
        for path in (base / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                for expression in _action_arguments(node):
                    for constant in ast.walk(expression):
                        if isinstance(constant, ast.Constant) and isinstance(constant.value, str):
                            yield constant.value, str(path.relative_to(base))


def _action_arguments(node: ast.AST) -> Iterator[ast.expr]:
    if not isinstance(node, ast.Call):
        return
    name = getattr(node.func, "id", getattr(node.func, "attr", None))
    if name not in AUDIT_CALLS:
        return
    yield from (argument.value for argument in node.keywords if argument.arg == "action")
    if len(node.args) > 1:
        yield node.args[1]


def test_the_scan_finds_the_actions_of_every_app() -> None:
    actions = {action for action, _path in _audited_actions()}
    # One of each way of auditing: a keyword, a condition, a positional argument.
    assert {"auth.login", "organisation.create", "user.change", "person.duplicate_link"} <= actions
    assert {"case.view", "referral.status"} <= actions


def test_every_audited_action_has_a_label() -> None:
    unnamed = sorted(
        {
            f"{action} ({path})"
            for action, path in _audited_actions()
            if action_label(action) == action
        }
    )
    assert unnamed == []


def test_an_action_without_label_reads_as_its_code() -> None:
    assert action_label("nothing.known") == "nothing.known"


def test_an_action_keeps_its_first_label() -> None:
    register_action_labels({"auth.login": "Connexion"})  # the same label again: no change
    with pytest.raises(ValueError, match=r"auth\.login"):
        register_action_labels({"auth.login": "Autre chose"})
    assert action_label("auth.login") == "Connexion"
    assert ("auth.login", "Connexion") in action_choices()
