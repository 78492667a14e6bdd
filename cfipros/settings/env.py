"""Small typed readers for configuration taken from the process environment (12-factor).

A value that cannot be read stops the settings from loading with a message naming the variable.
"""

import ipaddress
import os
from typing import NoReturn


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        _refuse(f"{name} must be a whole number, not {raw!r}.")
    if minimum is not None and value < minimum:
        _refuse(f"{name} must be at least {minimum}, not {value}.")
    return value


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    return float(raw) if raw not in (None, "") else default


def env_list(name: str, default: str = "") -> list[str]:
    """A comma-separated variable as a list, blanks dropped."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_networks(name: str) -> list[str]:
    """A comma-separated list of IP networks (``10.0.0.0/8``, ``2001:db8::/32``), each checked."""
    networks = env_list(name)
    for network in networks:
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError:
            _refuse(f"{name} holds {network!r}, which is not an IP network such as 10.0.0.0/8.")
    return networks


def _refuse(message: str) -> NoReturn:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(message)


def require_env(*names: str, settings_module: str) -> None:
    """Refuse to load ``settings_module`` while any of ``names`` is unset or blank, naming them all.

    ``"A|B"`` asks for either: it is missing only when both are, and named ``A or B``.
    """
    missing = [
        name.replace("|", " or ")
        for name in names
        if not any(os.environ.get(alternative, "").strip() for alternative in name.split("|"))
    ]
    if missing:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            f"{settings_module} needs {', '.join(missing)} in the environment. Set "
            f"{'it' if len(missing) == 1 else 'them'} (docs/deployment.md), or choose local settings "
            "explicitly with DJANGO_SETTINGS_MODULE=cfipros.settings.local."
        )
