"""Typed readers for settings taken from environment variables.

Each helper raises ImproperlyConfigured on a value it cannot read, so a typo in
a deployment fails at start-up rather than behaving like a default.
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_MISSING = object()


def load_env_file(path: str | os.PathLike[str]) -> None:
    """Read KEY=value lines from a local file into the environment, never overriding what is set.

    For a development checkout only (`make setup` writes `.env` with DEBUG=true); deployments set
    real environment variables and ship no such file.
    """
    try:
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except FileNotFoundError:
        return
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        key = key.strip().removeprefix("export ").strip()
        if not sep or not key.isidentifier():
            raise ImproperlyConfigured(f"{path}, line {number}: expected KEY=value.")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        os.environ.setdefault(key, value)


def env_str(name: str, default: str | object = _MISSING) -> str:
    """Return the variable, or the default; with no default the variable is required."""
    value = os.environ.get(name)
    if value is None:
        if default is _MISSING:
            raise ImproperlyConfigured(
                f"Set the {name} environment variable (or DEBUG=true for a development machine; see .env.example)."
            )
        return str(default)
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name: str, default: list[str] | object = _MISSING) -> list[str]:
    """A comma-separated list; with no default the variable is required and may not be empty."""
    value = os.environ.get(name)
    if value is None or (default is _MISSING and not value.strip()):
        if default is _MISSING:
            raise ImproperlyConfigured(f"Set the {name} environment variable (comma-separated).")
        return list(default)  # type: ignore[call-overload]
    return [item.strip() for item in value.split(",") if item.strip()]
