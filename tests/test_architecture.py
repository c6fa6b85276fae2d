"""Each app uses another app only through its public names.

import-linter (`lint-imports`, run in CI) checks which app may import which; ruff's PLC2701
catches private names taken across top-level packages. This covers what neither sees: a
sub-app (`cases.referrals`) and the app around it (`cases`) are different apps too.
"""

import ast
from pathlib import Path

from django.apps import apps
from django.conf import settings

PRODUCT_PACKAGES = ("avrr", "cases", "reintegration", "reporting")


def _app_of(module: str, app_modules: list[str]) -> str:
    return max(
        (name for name in app_modules if module == name or module.startswith(f"{name}.")),
        key=len,
        default=module.split(".")[0],
    )


def _private_imports_across_apps() -> list[str]:
    base = Path(settings.BASE_DIR)
    app_modules = [config.name for config in apps.get_app_configs()]
    found = []
    for package in PRODUCT_PACKAGES:
        for path in sorted((base / package).rglob("*.py")):
            module = ".".join(path.relative_to(base).with_suffix("").parts)
            for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
                if not isinstance(node, ast.ImportFrom) or node.module is None or node.level:
                    continue
                if _app_of(node.module, app_modules) == _app_of(module, app_modules):
                    continue
                found += [
                    f"{module}:{node.lineno} imports {node.module}.{alias.name}"
                    for alias in node.names
                    if alias.name.startswith("_") and not alias.name.startswith("__")
                ]
    return found


def test_no_app_imports_another_apps_private_names() -> None:
    assert _private_imports_across_apps() == []


def test_the_check_sees_a_sub_app_as_an_app_of_its_own() -> None:
    app_modules = [config.name for config in apps.get_app_configs()]
    assert _app_of("cases.referrals.api", app_modules) == "cases.referrals"
    assert _app_of("cases.api", app_modules) == "cases"
    assert _app_of("cases.referrals.spreadsheet.cells", app_modules) == "cases.referrals"
