"""purge_expired, backfill_report_codes and the hourly beat schedule."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from extraction.engine import ExtractionResult
from extraction.models import AcsDocument, AcsElement, Report, ReportCode
from extraction.reports.services import report_create_from_result
from extraction.reports.tasks import reports_purge_expired_task
from tests.factories import ExtractionResultFactory, acs_element

pytestmark = pytest.mark.django_db


def result(codes: list[str], exam_id: str | None = None) -> ExtractionResult:
    return ExtractionResultFactory(exam_id=exam_id, codes=codes, confidence=1.0)


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_purge_expired_deletes_only_expired_anonymous_results_and_is_idempotent(student: User) -> None:
    expired = report_create_from_result(owner=None, result=result(["PA.I.A.K1"]))
    live = report_create_from_result(owner=None, result=result(["PA.I.A.K1"]))
    owned = report_create_from_result(owner=student, result=result(["PA.I.A.K1"]))
    Report.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    out, _ = run("purge_expired")
    assert out.strip() == "purged 1 expired anonymous result(s)"
    assert set(Report.objects.values_list("pk", flat=True)) == {live.pk, owned.pk}
    assert not ReportCode.objects.filter(report_id=expired.pk).exists()

    out, _ = run("purge_expired")
    assert out.strip() == "purged 0 expired anonymous result(s)"


def tasks_a_worker_registers() -> set[str]:
    """The task names a fresh worker process knows once it has loaded the Celery app."""
    script = (
        "from cfipros.celery import app; app.loader.import_default_modules(); "
        "print('\\n'.join(n for n in app.tasks if not n.startswith('celery.')))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cfipros.settings.test"}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120, check=True
    )
    return set(done.stdout.split())


def test_purge_runs_hourly_on_celery_beat() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["purge-expired-results"]
    assert entry == {"task": "extraction.purge_expired_reports", "schedule": 3600.0}
    assert entry["task"] in tasks_a_worker_registers()
    assert reports_purge_expired_task.name == entry["task"]
    assert reports_purge_expired_task.apply().get() == 0


def _element(doc: AcsDocument, code: str) -> AcsElement:
    return acs_element(
        code, document=doc, area_title="Preflight Preparation", task_title="t", description="d"
    )


def test_backfill_relinks_to_the_current_catalogue_resumably_and_idempotently() -> None:
    doc = AcsDocument.objects.create(prefix="PA", title="Private Pilot Airplane")
    old = _element(doc, "PA.I.A.K1")
    for _ in range(5):
        report_create_from_result(owner=None, result=result(["PA.I.A.K1", "PA.I.B.K2"]))
    assert ReportCode.objects.filter(element=old).count() == 5
    assert ReportCode.objects.filter(element__isnull=True).count() == 5

    # A catalogue reload: PA.I.A.K1 gets a new row (the old one goes), PA.I.B.K2 appears.
    old.delete()
    new_k1 = _element(doc, "PA.I.A.K1")
    new_k2 = _element(doc, "PA.I.B.K2")

    out, _ = run("backfill_report_codes", "--dry-run", "--batch-size", "3")
    assert out.strip() == "dry run: would change 10 of 10 code(s): 10 linked, 0 unlinked, 0 unchanged"
    assert ReportCode.objects.filter(element__isnull=True).count() == 10

    ordered = list(ReportCode.objects.order_by("pk").values_list("pk", flat=True))
    out, err = run("backfill_report_codes", "--batch-size", "3", "--after-id", str(ordered[3]))
    assert out.strip() == "changed 6 of 6 code(s): 6 linked, 0 unlinked, 0 unchanged"
    assert "batch 1: 3 code(s) up to id" in err and "batch 2:" in err
    out, _ = run("backfill_report_codes", "--batch-size", "4")
    assert out.strip() == "changed 4 of 10 code(s): 4 linked, 0 unlinked, 6 unchanged"
    assert ReportCode.objects.filter(code="PA.I.A.K1", element=new_k1).count() == 5
    assert ReportCode.objects.filter(code="PA.I.B.K2", element=new_k2).count() == 5

    out, _ = run("backfill_report_codes")
    assert out.strip() == "changed 0 of 10 code(s): 0 linked, 0 unlinked, 10 unchanged"

    new_k2.delete()
    ReportCode.objects.filter(code="PA.I.B.K2").update(element=new_k1)
    out, _ = run("backfill_report_codes")
    assert out.strip() == "changed 5 of 10 code(s): 0 linked, 5 unlinked, 5 unchanged"
