"""Two uploads of the same exam by the same owner at the same moment make one report."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from extraction.models import Report
from extraction.reports.services import report_store_result
from tests.factories import ExtractionResultFactory, UserFactory


@pytest.mark.django_db(transaction=True)
def test_racing_uploads_of_one_exam_make_one_report() -> None:
    user = UserFactory(username="racer")
    result = ExtractionResultFactory(
        exam_id="555555555555555555", exam_code="PAR", codes=["PA.I.A.K1"], confidence=1.0
    )
    barrier = threading.Barrier(4)
    outcomes: list[tuple[str, bool]] = []
    errors: list[BaseException] = []

    def upload() -> None:
        try:
            barrier.wait()
            stored = report_store_result(owner=user, result=result)
            outcomes.append((str(stored.report.pk), stored.created))
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=upload) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len({pk for pk, _ in outcomes}) == 1
    assert sorted(created for _, created in outcomes) == [False, False, False, True]
    assert Report.objects.filter(owner=user).count() == 1
    assert list(Report.objects.get(owner=user).codes.values_list("code", flat=True)) == ["PA.I.A.K1"]
