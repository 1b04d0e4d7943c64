"""Typed helpers that read settings from the environment (secrets also from *_FILE)."""

from __future__ import annotations

import os
from pathlib import Path


def envstr(name: str, default: str = "") -> str:
    """A string from NAME, or from the file named by NAME_FILE (for secrets)."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    value = envstr(name)
    if not value:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    value = envstr(name)
    return int(value) if value else default


def envfloat(name: str, default: float) -> float:
    value = envstr(name)
    return float(value) if value else default


def envlist(name: str, default: list[str]) -> list[str]:
    value = envstr(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]
