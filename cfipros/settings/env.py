"""Small typed readers for configuration taken from the process environment (12-factor)."""

import os


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    return float(raw) if raw not in (None, "") else default


def env_list(name: str, default: str = "") -> list[str]:
    """A comma-separated variable as a list, blanks dropped."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def require_env(*names: str, settings_module: str) -> None:
    """Refuse to load ``settings_module`` while any of ``names`` is unset or blank, naming them all."""
    missing = [name for name in names if not os.environ.get(name, "").strip()]
    if missing:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            f"{settings_module} needs {', '.join(missing)} in the environment. Set "
            f"{'it' if len(missing) == 1 else 'them'} (docs/deployment.md), or choose local settings "
            "explicitly with DJANGO_SETTINGS_MODULE=cfipros.settings.local."
        )
