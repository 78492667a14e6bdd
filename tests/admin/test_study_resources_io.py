"""Study resources in the admin: CSV export, and import with a dry-run preview before anything is written."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from studyplans.models import StudyResource, StudyTask
from studyplans.resources.fields import EXPORT_FIELDS

pytestmark = pytest.mark.django_db

ADMIN = "/admin/studyplans/studyresource/"


@pytest.fixture
def tasks() -> dict[str, StudyTask]:
    return {
        "A": StudyTask.objects.create(
            prefix="PA", area="I", task="A", area_title="Preflight", task_title="Certs"
        ),
        "B": StudyTask.objects.create(
            prefix="PA", area="I", task="B", area_title="Preflight", task_title="Weather"
        ),
    }


@pytest.fixture
def stored(tasks: dict[str, StudyTask]) -> list[StudyResource]:
    return [
        StudyResource.objects.create(
            task=tasks["A"],
            key="starter:pa-i-a:1",
            publication="FAA-H-8083-25C",
            publication_title="PHAK",
            chapter="1",
            title="Introduction",
            estimated_minutes=20,
        ),
        StudyResource.objects.create(
            task=tasks["B"],
            element_code="PA.I.B.K1",
            publication="AC 00-45H",
            publication_title="Aviation Weather Services",
            chapter="2",
            title="Products",
            curated=True,
        ),
    ]


def export_rows(admin_client: Client) -> list[dict[str, str]]:
    fields = {f"studyresourcefile_{name}": "on" for name in EXPORT_FIELDS}
    response = admin_client.post(f"{ADMIN}export/", {"format": "0", "resource": "0", **fields})
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def upload(admin_client: Client, rows: list[dict[str, Any]]) -> Any:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    data = SimpleUploadedFile("resources.csv", out.getvalue().encode(), content_type="text/csv")
    return admin_client.post(f"{ADMIN}import/", {"import_file": data, "format": "0", "resource": "0"})


def confirm(admin_client: Client, preview: Any) -> Any:
    html = preview.content.decode()
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))
    assert "import_file_name" in hidden, html[:2000]
    return admin_client.post(f"{ADMIN}process_import/", hidden, follow=True)


def test_export_is_the_command_line_csv(admin_client: Client, stored: list[StudyResource]) -> None:
    rows = export_rows(admin_client)
    assert list(rows[0]) == EXPORT_FIELDS
    by_key = {row["title"]: row for row in rows}
    assert by_key["Introduction"] | {"id": ""} == {
        "id": "",
        "key": "starter:pa-i-a:1",
        "prefix": "PA",
        "area": "I",
        "task": "A",
        "area_title": "Preflight",
        "task_title": "Certs",
        "element_code": "",
        "publication": "FAA-H-8083-25C",
        "publication_title": "PHAK",
        "chapter": "1",
        "title": "Introduction",
        "url": "",
        "estimated_minutes": "20",
        "position": "0",
        "curated": "false",
    }
    assert by_key["Products"]["curated"] == "true"
    assert by_key["Products"]["task"] == "B"


def test_export_costs_the_same_for_any_number_of_resources(
    admin_client: Client,
    stored: list[StudyResource],
    tasks: dict[str, StudyTask],
    django_assert_max_num_queries: Any,
) -> None:
    with django_assert_max_num_queries(12) as few:
        assert len(export_rows(admin_client)) == 2
    for number in range(10):
        StudyResource.objects.create(
            task=tasks["A" if number % 2 else "B"],
            publication="P",
            publication_title="T",
            title=f"t{number}",
            chapter=str(number),
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(export_rows(admin_client)) == 12


def test_an_import_is_previewed_and_writes_nothing_until_confirmed(
    admin_client: Client, stored: list[StudyResource]
) -> None:
    rows = export_rows(admin_client)
    changed = next(row for row in rows if row["title"] == "Introduction")
    changed["estimated_minutes"] = "45"
    rows.append(
        {
            "id": "",
            "key": "",
            "prefix": "PA",
            "area": "I",
            "task": "B",
            "area_title": "",
            "task_title": "",
            "element_code": "PA.I.B.K2",
            "publication": "AIM",
            "publication_title": "Aeronautical Information Manual",
            "chapter": "7-1",
            "title": "Meteorology",
            "url": "https://www.faa.gov/air_traffic/publications/",
            "estimated_minutes": "30",
            "position": "1",
            "curated": "",
        }
    )
    preview = upload(admin_client, rows)
    assert preview.status_code == 200
    result = preview.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert (result.totals["new"], result.totals["update"], result.totals["skip"]) == (1, 1, 1)
    assert "Confirm import" in preview.content.decode()
    assert StudyResource.objects.count() == 2
    assert StudyResource.objects.get(key="starter:pa-i-a:1").estimated_minutes == 20

    done = confirm(admin_client, preview)
    assert done.status_code == 200
    assert StudyResource.objects.count() == 3
    introduction = StudyResource.objects.get(key="starter:pa-i-a:1")
    assert (introduction.estimated_minutes, introduction.curated) == (45, True)
    added = StudyResource.objects.get(element_code="PA.I.B.K2")
    assert (added.task.task, added.curated, added.chapter) == ("B", True, "7-1")
    untouched = StudyResource.objects.get(title="Products")
    assert untouched.pk == stored[1].pk and untouched.curated


def test_a_file_with_bad_rows_is_refused_whole_in_the_preview(
    admin_client: Client, stored: list[StudyResource]
) -> None:
    rows = export_rows(admin_client)
    rows[0]["estimated_minutes"] = "9000"
    rows[1]["url"] = "not a url"
    preview = upload(admin_client, rows)
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "estimated_minutes must be 1-600" in html
    assert "url &#x27;not a url&#x27; is not a valid URL" in html or "not a valid URL" in html
    assert "Confirm import" not in html
    assert StudyResource.objects.filter(estimated_minutes=9000).count() == 0


def test_a_row_for_a_task_that_does_not_exist_is_an_error(
    admin_client: Client, stored: list[StudyResource]
) -> None:
    rows = export_rows(admin_client)
    rows[0].update(id="", key="", prefix="PA", area="IX", task="Z", element_code="")
    preview = upload(admin_client, rows)
    html = preview.content.decode()
    assert "No study task PA.IX.Z" in html
    assert "Confirm import" not in html
    assert StudyTask.objects.count() == 2


def test_staff_who_may_only_view_resources_cannot_import(client: Client, stored: list[StudyResource]) -> None:
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_studyresource"))
    client.force_login(staff)
    assert client.get(f"{ADMIN}import/").status_code == 403
    assert client.get(f"{ADMIN}export/").status_code == 200
