"""The starter mapping, its loader and the CSV import/export of curated resources."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from studyplans.models import StudyResource, StudyTask
from studyplans.starter import CSV_FIELDS, PUBLICATIONS, STARTER_CSV, catalog_tasks, refs_for, starter_rows

REQUIRED_PREFIXES = ("PA", "IR", "CA", "UA", "FI", "AI")
HANDBOOKS = ("FAA-H-", "FAA-G-", "AIM", "14 CFR", "49 CFR", "AC ")


def starter() -> list[dict[str, str]]:
    with STARTER_CSV.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_starter_covers_every_task_of_the_required_prefixes() -> None:
    covered = {(r["prefix"], r["area"], r["task"]) for r in starter()}
    tasks = [t for t in catalog_tasks() if t.prefix in REQUIRED_PREFIXES]
    assert len(tasks) > 200
    missing = [f"{t.prefix}.{t.area}.{t.task}" for t in tasks if (t.prefix, t.area, t.task) not in covered]
    assert missing == []


def test_starter_covers_every_task_of_the_catalogue() -> None:
    covered = {(r["prefix"], r["area"], r["task"]) for r in starter()}
    assert {(t.prefix, t.area, t.task) for t in catalog_tasks()} <= covered


def test_starter_rows_are_well_formed_and_the_file_is_current() -> None:
    rows = starter()
    assert rows and list(rows[0]) == CSV_FIELDS
    assert len({r["key"] for r in rows}) == len(rows)
    assert all(r["publication"].startswith(HANDBOOKS) for r in rows)
    assert all(1 <= int(r["estimated_minutes"]) <= 120 for r in rows)
    assert rows == starter_rows(catalog_tasks()), "run python -m studyplans.starter"


@pytest.mark.parametrize(
    ("prefix", "task_title", "publication"),
    [
        ("PA", "Weather Information", "FAA-H-8083-25C"),
        ("IR", "Holding Procedures", "AIM"),
        ("CA", "Chandelles (ASEL, ASES)", "FAA-H-8083-3C"),
        ("UA", "Operations Over People", "14 CFR Part 107"),
        ("FI", "Learning Process", "FAA-H-8083-9B"),
        ("PH", "Dynamic Rollover", "FAA-H-8083-21B"),
        ("AM", "Propellers", "FAA-H-8083-32B"),
    ],
)
def test_topics_point_to_the_right_publication(prefix: str, task_title: str, publication: str) -> None:
    task = next(t for t in catalog_tasks() if t.prefix == prefix and t.task_title == task_title)
    assert publication in {PUBLICATIONS[ref.publication][0] for ref in refs_for(task)}


@pytest.mark.django_db
def test_load_is_idempotent_and_keeps_curated_rows() -> None:
    out = io.StringIO()
    call_command("load_study_resources", stdout=out)
    total = len(starter())
    assert f"created {total}, updated 0, unchanged 0" in out.getvalue()
    assert StudyResource.objects.count() == total
    assert StudyTask.objects.filter(prefix="PA").count() == 61
    out = io.StringIO()
    call_command("load_study_resources", stdout=out)
    assert f"created 0, updated 0, unchanged {total}" in out.getvalue()

    edited = StudyResource.objects.get(key__startswith="PA.I.C|FAA-H-8083-25C|Chapter 12")
    edited.title = "Weather Theory, staff notes"
    edited.estimated_minutes = 90
    edited.curated = True
    edited.save()
    out = io.StringIO()
    call_command("load_study_resources", stdout=out)
    assert "kept curated 1" in out.getvalue()
    edited.refresh_from_db()
    assert edited.estimated_minutes == 90
    out = io.StringIO()
    call_command("load_study_resources", "--force", stdout=out)
    assert "updated 1" in out.getvalue()
    edited.refresh_from_db()
    assert edited.estimated_minutes == 60 and edited.title == "Weather Theory"
    assert not edited.curated


@pytest.mark.django_db
def test_reload_removes_starter_rows_dropped_from_the_file_but_not_staff_rows() -> None:
    call_command("load_study_resources", stdout=io.StringIO())
    task = StudyTask.objects.get(prefix="PA", area="I", task="C")
    common = {"task": task, "publication": "FAA-H-8083-28", "publication_title": "Aviation Weather Handbook"}
    StudyResource.objects.create(key="PA.I.C|old|row", chapter="Old", title="Dropped from the file", **common)
    StudyResource.objects.create(
        key="PA.I.C|old|kept", chapter="Kept", title="Curated", curated=True, **common
    )
    StudyResource.objects.create(chapter="Staff", title="Added by staff", **common)
    out = io.StringIO()
    call_command("load_study_resources", stdout=out)
    assert "removed 1" in out.getvalue()
    assert set(task.resources.filter(publication="FAA-H-8083-28").values_list("chapter", flat=True)) == {
        "Kept",
        "Staff",
    }


@pytest.mark.django_db
def test_export_then_import_round_trips(tmp_path: Path) -> None:
    call_command("load_study_resources", stdout=io.StringIO())
    path = tmp_path / "resources.csv"
    out = io.StringIO()
    call_command("export_study_resources", str(path), stdout=out)
    assert f"exported {StudyResource.objects.count()}" in out.getvalue()
    out = io.StringIO()
    call_command("import_study_resources", str(path), stdout=out)
    assert f"created 0, updated 0, unchanged {StudyResource.objects.count()}" in out.getvalue()

    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    rows[0]["estimated_minutes"] = "75"
    new = dict(
        rows[0],
        id="",
        key="",
        element_code=f"{rows[0]['prefix']}.{rows[0]['area']}.{rows[0]['task']}.K1",
        title="Element-level reading",
        chapter="Section 1",
    )
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows([rows[0], new])
    out = io.StringIO()
    call_command("import_study_resources", str(path), stdout=out)
    assert "created 1, updated 1, unchanged 0" in out.getvalue()
    assert StudyResource.objects.get(pk=int(rows[0]["id"])).estimated_minutes == 75
    assert StudyResource.objects.filter(element_code=new["element_code"]).exists()


@pytest.mark.django_db
def test_export_to_stdout() -> None:
    call_command("load_study_resources", stdout=io.StringIO())
    out = io.StringIO()
    call_command("export_study_resources", stdout=out)
    assert len(out.getvalue().splitlines()) == StudyResource.objects.count() + 1


@pytest.mark.django_db
def test_invalid_import_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "prefix,area,task,publication,publication_title,title,estimated_minutes,url\n"
        "PA,I,A,FAA-H-8083-25C,PHAK,Good row,30,\n"
        "PA,I,,FAA-H-8083-25C,PHAK,No task,30,\n"
        "PA,I,B,FAA-H-8083-25C,PHAK,Bad minutes,-5,\n"
        "PA,I,C,FAA-H-8083-25C,PHAK,Bad url,30,not a url\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as error:
        call_command("import_study_resources", str(path), stdout=io.StringIO())
    message = str(error.value)
    assert "line 3" in message and "line 4" in message and "line 5" in message
    assert StudyResource.objects.count() == 0
    with pytest.raises(CommandError):
        call_command("import_study_resources", str(tmp_path / "missing.csv"), stdout=io.StringIO())
