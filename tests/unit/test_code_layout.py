"""Rules of the code's layout that no linter checks: short modules, tests that share through tests/support only."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAX_LINES = 450


def test_no_module_of_the_app_is_longer_than_450_lines() -> None:
    long = {
        str(p.relative_to(ROOT)): n
        for p in (ROOT / "introserv_app").rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}, f"split these modules (at most {MAX_LINES} lines): {long}"


def test_test_modules_share_through_tests_support_never_through_each_other() -> None:
    importing = re.compile(r"^\s*(from|import) tests\.(unit|integration|e2e)\b", re.M)
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "tests").rglob("*.py") if importing.search(p.read_text())]
    assert offenders == [], f"move what these share into tests/support: {offenders}"
