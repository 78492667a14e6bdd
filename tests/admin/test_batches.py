"""Batch and batch-file admin: read-only, progress on the list, a fixed number of queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from accounts.models import User
from extraction.models import Batch, BatchFile
from tests.factories import BatchFactory, BatchFileFactory, ReportFactory, UserFactory

pytestmark = pytest.mark.django_db

BATCHES = "/admin/extraction/batch/"
FILES = "/admin/extraction/batchfile/"


def batch_with(statuses: list[str], **fields: Any) -> Batch:
    batch = BatchFactory(total_files=len(statuses), **fields)
    for position, status in enumerate(statuses):
        BatchFileFactory(
            batch=batch,
            position=position,
            status=status,
            error_code="not_a_report" if status == BatchFile.Status.FAILED else "",
            report=ReportFactory(owner=batch.owner) if status == BatchFile.Status.SUCCEEDED else None,
        )
    return batch


def test_the_batch_list_shows_progress(admin_client: Client) -> None:
    S = BatchFile.Status
    batch_with([S.SUCCEEDED, S.SUCCEEDED, S.FAILED, S.PENDING, S.PROCESSING], status=Batch.Status.PROCESSING)
    batch_with([S.SUCCEEDED], status=Batch.Status.COMPLETED)
    response = admin_client.get(BATCHES)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<progress value="3" max="5" aria-label="3 / 5 done, 1 failed"></progress>' in html
    assert '<progress value="1" max="1" aria-label="1 / 1 done"></progress>' in html
    assert "student-1.pdf" not in html


def test_the_batch_list_costs_the_same_for_any_number_of_batches(
    admin_client: Client, django_assert_max_num_queries: Any
) -> None:
    S = BatchFile.Status
    batch_with([S.SUCCEEDED, S.FAILED])
    admin_client.get(BATCHES)
    with django_assert_max_num_queries(8) as few:
        assert admin_client.get(BATCHES).status_code == 200
    for _ in range(6):
        batch_with([S.SUCCEEDED, S.FAILED, S.PENDING])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = admin_client.get(BATCHES)
    assert len(response.context["cl"].result_list) == 7


def test_the_file_list_costs_the_same_for_any_number_of_files(
    admin_client: Client, django_assert_max_num_queries: Any
) -> None:
    S = BatchFile.Status
    batch_with([S.SUCCEEDED])
    admin_client.get(FILES)
    with django_assert_max_num_queries(8) as few:
        assert admin_client.get(FILES).status_code == 200
    batch_with([S.SUCCEEDED, S.FAILED, S.SUCCEEDED, S.PENDING, S.SUCCEEDED])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = admin_client.get(FILES)
    assert len(response.context["cl"].result_list) == 6


def test_a_batch_is_viewed_with_its_files_and_never_changed(admin_client: Client) -> None:
    S = BatchFile.Status
    batch = batch_with([S.SUCCEEDED, S.FAILED])
    page = admin_client.get(f"{BATCHES}{batch.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "not_a_report" in html and "1 / 2 done" not in html  # files inline; progress: 2 of 2
    assert "2 / 2 done, 1 failed" in html
    assert 'name="_save"' not in html
    assert admin_client.post(f"{BATCHES}{batch.pk}/change/", {"status": "failed"}).status_code == 403
    assert admin_client.get(f"{BATCHES}add/").status_code == 403
    assert admin_client.get(f"{BATCHES}{batch.pk}/delete/").status_code == 403
    batch.refresh_from_db()
    assert batch.status == Batch.Status.PENDING

    file = batch.files.get(position=1)
    assert admin_client.get(f"{FILES}{file.pk}/change/").status_code == 200
    assert admin_client.post(f"{FILES}{file.pk}/change/", {"status": "succeeded"}).status_code == 403
    assert admin_client.get(f"{FILES}{file.pk}/delete/").status_code == 403


def test_staff_with_the_view_permission_only_see_batches(client: Client) -> None:
    staff: User = UserFactory(is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_batch", "view_batchfile"]))
    client.force_login(staff)
    batch = batch_with([BatchFile.Status.PENDING])
    assert client.get(BATCHES).status_code == 200
    assert client.get(f"{BATCHES}{batch.pk}/change/").status_code == 200
    assert client.get("/admin/extraction/report/").status_code == 403
