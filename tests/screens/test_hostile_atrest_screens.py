"""The TUI's own file: the command palette's Screenshot may show an imported password (the review shows the values
files), so it is written 0600, in a folder created 0700, whatever the umask."""

from __future__ import annotations

import asyncio
import os
import stat
from pathlib import Path

import platformdirs
import pytest
import textual.app

from screens.app import make_app
from wizard.planning import presets
from wizard.planning.layers import Layer, build_plan


async def test_the_screenshot_command_writes_a_private_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Into the wizard's state folder, created (issue 16: Textual's ~/Downloads may not exist, and failed there)."""
    never = tmp_path / "Downloads"
    monkeypatch.setattr(platformdirs, "user_downloads_path", lambda: never)
    monkeypatch.setattr(textual.app, "user_downloads_path", lambda: never)  # where Textual itself writes
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    downloads = tmp_path / "state" / "substra-wizard" / "screenshots"
    app = make_app(build_plan([Layer("preset minimal", presets.load("minimal").plan)]))
    old = os.umask(0)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            command = next(c for c in app.get_system_commands(app.screen) if c.title == "Screenshot")
            command.callback()
            for _ in range(40):
                await asyncio.sleep(0.05)
                if downloads.exists() and any(downloads.iterdir()):
                    break
            await pilot.pause()
    finally:
        os.umask(old)
    shots = list(downloads.iterdir())
    assert len(shots) == 1 and shots[0].suffix == ".svg"
    assert stat.S_IMODE(shots[0].stat().st_mode) == 0o600
    assert stat.S_IMODE(downloads.stat().st_mode) == 0o700
    assert stat.S_IMODE(downloads.parent.stat().st_mode) == 0o700
    assert not never.exists()
