"""Presets: answers files shipped in the `presets` package (presets/<name>.yaml), read with the answers schema."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any

from wizard.core.errors import ConfigError, Problem
from wizard.planning import answers
from wizard.yamlkit import yamlio


@dataclass(frozen=True)
class Preset:
    name: str
    description: str
    plan: dict[str, Any]


def names() -> list[str]:
    """Every preset shipped, in alphabetical order."""
    folder = resources.files("presets")
    return sorted(item.name[: -len(".yaml")] for item in folder.iterdir() if item.name.endswith(".yaml"))


def load(name: str) -> Preset:
    """The preset called `name`.

    Raises:
        ConfigError: no such preset (the message lists the ones there are), or the file is not an answers file.
    """
    known = names()
    if name not in known:
        from wizard.core.shown import shown

        raise ConfigError([Problem("--preset", f'no preset "{shown(name)}"; choose one of {", ".join(known)} '
                                               "(wizard --list-presets describes them)")])
    text = resources.files("presets").joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    data = yamlio.load_plain(text, f"preset {name}")
    plan = answers.parse(data, f"preset {name}")
    return Preset(name, str(data.get("description", "")).strip(), plan)
