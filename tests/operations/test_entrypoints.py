"""Every entry point defaults to production settings and refuses to start without its essentials.

Each case runs in a fresh interpreter with a clean environment: no ``DJANGO_SETTINGS_MODULE``,
no ``SECRET_KEY``, as an operator who forgot them would start it.
"""

from __future__ import annotations

import json

import pytest

from tests.operations.processes import BIN, PRODUCTION_ENV, run, run_python

ESSENTIALS = ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL")


def test_importing_the_project_package_chooses_no_settings() -> None:
    result = run_python("import os, cfipros; print(os.environ.get('DJANGO_SETTINGS_MODULE'))", {})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "None"


def test_wsgi_without_configuration_refuses_naming_every_missing_variable() -> None:
    result = run_python("import cfipros.wsgi", {})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    message = result.stderr.strip().splitlines()[-1]
    for name in ESSENTIALS:
        assert name in message
    assert "cfipros.settings.production" in message


def test_asgi_without_a_secret_key_refuses_naming_only_it() -> None:
    env = {k: v for k, v in PRODUCTION_ENV.items() if k not in ("DJANGO_SETTINGS_MODULE", "SECRET_KEY")}
    result = run_python("import cfipros.asgi", env)
    assert result.returncode != 0
    message = result.stderr.strip().splitlines()[-1]
    assert "SECRET_KEY" in message
    assert "REDIS_URL" not in message


@pytest.mark.parametrize("command", ["worker", "beat"])
def test_celery_without_configuration_refuses_to_start(command: str, tmp_path) -> None:
    args = [str(BIN / "celery"), "-A", "cfipros", command, "--loglevel", "INFO"]
    if command == "beat":
        args += ["--schedule", str(tmp_path / "schedule")]
    result = run(args, {}, timeout=60)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "needs SECRET_KEY" in result.stderr


def test_the_public_development_key_is_refused_in_production() -> None:
    env = {
        **PRODUCTION_ENV,
        "SECRET_KEY": "insecure-local-development-key-change-me-in-production-0123456789",
    }
    result = run_python("import django; django.setup()", env)
    assert result.returncode != 0
    assert "development key" in result.stderr.strip().splitlines()[-1]


def test_production_with_its_essentials_hashes_exam_ids_with_the_real_secret() -> None:
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "from cfipros.settings.base import DEVELOPMENT_SECRET_KEY as dev; "
        "print(json.dumps([s.DEBUG, s.EXAM_ID_HASH_KEY == s.SECRET_KEY,"
        " dev in (s.SECRET_KEY, s.EXAM_ID_HASH_KEY), s.LOGGING['handlers']['console']['formatter']]))"
    )
    result = run_python(code, PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [False, True, False, "json"]


def test_manage_py_still_defaults_to_local_settings() -> None:
    code = (
        "import os, sys; sys.argv = ['manage.py', 'check']; import manage; manage.main(); "
        "print(os.environ['DJANGO_SETTINGS_MODULE'])"
    )
    result = run_python(code, {})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "cfipros.settings.local"
