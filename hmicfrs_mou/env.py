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
