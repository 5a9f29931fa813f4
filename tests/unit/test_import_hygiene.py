"""wizard/ never imports textual; only the front-end modules may import questionary or screens; nothing imports
kubernetes at import time (it costs up to 0.7 s)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import wizard

FRONT_ENDS = {"wizard.cli", "wizard.frontend.prompts", "wizard.__main__"}


def _modules() -> list[str]:
    return sorted(m.name for m in pkgutil.walk_packages(wizard.__path__, "wizard.") if m.name not in FRONT_ENDS)


def test_there_are_modules_to_check() -> None:
    assert "wizard.planning.plan" in _modules() and "wizard.writing.values" in _modules()


def test_domain_modules_import_no_front_end_and_no_kubernetes() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in ('textual', 'questionary', 'screens', 'kubernetes') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_no_wizard_source_mentions_textual() -> None:
    for info in pkgutil.walk_packages(wizard.__path__, "wizard."):
        spec = info.module_finder.find_spec(info.name)  # type: ignore[call-arg]
        assert spec and spec.origin
        with open(spec.origin, encoding="utf-8") as source:
            text = source.read()
        assert "import textual" not in text and "from textual" not in text, info.name
