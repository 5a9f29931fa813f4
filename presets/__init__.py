"""Preset answers files shipped with the wizard (data only; a package so importlib.resources finds them)."""
