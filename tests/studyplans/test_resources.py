"""The starter mapping, its loader and the CSV import/export of curated resources."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from studyplans.models import StudyResource, StudyTask
from studyplans.resources import starter
from studyplans.resources.fields import CSV_FIELDS
from studyplans.resources.starter import (
    DATA_DIR,
    StarterDataError,
    catalog_tasks,
    read_starter_mapping,
    starter_rows,
)

REQUIRED_PREFIXES = ("PA", "IR", "CA", "UA", "FI", "AI")
HANDBOOKS = ("FAA-H-", "FAA-G-", "AIM", "14 CFR", "49 CFR", "AC ")


def shipped_rows() -> list[dict[str, str]]:
    return starter_rows(read_starter_mapping(), catalog_tasks())


def data_file(name: str, data_dir: Path = DATA_DIR) -> list[dict[str, str]]:
    with (data_dir / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_starter_covers_every_task_of_the_required_prefixes() -> None:
    covered = {(r["prefix"], r["area"], r["task"]) for r in shipped_rows()}
    tasks = [t for t in catalog_tasks() if t.prefix in REQUIRED_PREFIXES]
    assert len(tasks) > 200
    missing = [f"{t.prefix}.{t.area}.{t.task}" for t in tasks if (t.prefix, t.area, t.task) not in covered]
    assert missing == []


def test_starter_covers_every_task_of_the_catalogue() -> None:
    covered = {(r["prefix"], r["area"], r["task"]) for r in shipped_rows()}
    assert {(t.prefix, t.area, t.task) for t in catalog_tasks()} <= covered


def test_starter_rows_are_well_formed() -> None:
    rows = shipped_rows()
    assert rows and list(rows[0]) == CSV_FIELDS
    assert len({r["key"] for r in rows}) == len(rows)
    assert all(r["publication"].startswith(HANDBOOKS) for r in rows)
    assert all(1 <= int(r["estimated_minutes"]) <= 120 for r in rows)


def test_every_publication_and_reference_of_the_data_files_is_used() -> None:
    """A reference no rule names (or a publication no reference reads) is dead data: drop it."""
    named = {name for rule in data_file("rules.csv") for name in rule["references"].split()}
    references = data_file("references.csv")
    assert [r["reference"] for r in references if r["reference"] not in named] == []
    read = {r["publication"] for r in references}
    assert [p["publication"] for p in data_file("publications.csv") if p["publication"] not in read] == []


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
    references = read_starter_mapping().references_for(task)
    assert publication in {reference.publication.code for reference in references}


def test_the_area_column_and_read_first_rule_sets_decide_between_rules() -> None:
    """A "Straight-and-Level Flight" task reads the IFH under Basic Instrument Maneuvers and the AFH under
    Fundamentals of Flight; an instrument-procedure area of the ATP test reads the instrument rules
    first."""
    mapping = read_starter_mapping()
    tasks = catalog_tasks()

    def codes(prefix: str, area: str, words: str) -> set[str]:
        task = next(
            t
            for t in tasks
            if t.prefix == prefix and area in t.area_title.lower() and words in t.task_title.lower()
        )
        return {f"{r.publication.code} {r.chapter}" for r in mapping.references_for(task)}

    assert "FAA-H-8083-15B Chapter 6" in codes("AI", "basic instrument maneuvers", "straight-and-level")
    assert "FAA-H-8083-3C Chapter 3" in codes("AI", "fundamentals of flight", "straight-and-level")
    # The airplane rules would give the approach chapters to any task of this area.
    assert codes("AA", "instrument procedures", "holding") == {
        "AIM Chapter 5, Section 3",
        "FAA-H-8083-15B Chapter 10",
    }


@pytest.mark.django_db
def test_loaded_rows_are_the_data_files_applied_to_the_catalogue() -> None:
    """The stored resources, field by field, against the data files read here on their own."""
    call_command("load_study_resources", stdout=io.StringIO())
    publications = {p["publication"]: p for p in data_file("publications.csv")}
    references = {r["reference"]: r for r in data_file("references.csv")}
    rules = data_file("rules.csv")
    families = json.loads((DATA_DIR / "families.json").read_text(encoding="utf-8"))
    expected = set()
    for task in catalog_tasks():
        sets = families["rule_sets_by_prefix"].get(task.prefix, families["rule_sets_of_other_prefixes"])
        first = [
            name
            for name, areas in families["read_first_where_area_matches"].items()
            if name in sets and re.search(areas, task.area_title, re.IGNORECASE)
        ]
        rule = next(
            (
                rule
                for name in [*first, *sets]
                for rule in rules
                if rule["rule_set"] == name
                and re.search(rule["area"], task.area_title, re.IGNORECASE)
                and re.search(rule["task"], task.task_title, re.IGNORECASE)
            ),
            None,
        )
        assert rule is not None, f"no rule for {task}"
        for position, name in enumerate(rule["references"].split()):
            reference = references[name]
            publication = publications[reference["publication"]]
            task_key = f"{task.prefix}.{task.area}.{task.task}"
            expected.add(
                (
                    f"{task_key}|{publication['code']}|{reference['chapter']}",
                    task_key,
                    task.area_title,
                    task.task_title,
                    "",
                    publication["code"],
                    publication["title"],
                    publication["url"],
                    reference["chapter"],
                    reference["title"],
                    int(reference["minutes"]),
                    position,
                    False,
                )
            )
    loaded = {
        (
            resource.key,
            f"{resource.task.prefix}.{resource.task.area}.{resource.task.task}",
            resource.task.area_title,
            resource.task.task_title,
            resource.element_code,
            resource.publication,
            resource.publication_title,
            resource.url,
            resource.chapter,
            resource.title,
            resource.estimated_minutes,
            resource.position,
            resource.curated,
        )
        for resource in StudyResource.objects.select_related("task")
    }
    assert len(expected) > 1500
    assert loaded == expected


def test_an_inconsistent_mapping_is_refused_with_the_file_and_line(tmp_path: Path) -> None:
    shutil.copytree(DATA_DIR, tmp_path, dirs_exist_ok=True)
    rules = (tmp_path / "rules.csv").read_text(encoding="utf-8").splitlines()
    rules[3] = rules[3].rsplit(",", 1)[0] + ",PHAK_NO_SUCH_CHAPTER"
    (tmp_path / "rules.csv").write_text("\n".join(rules) + "\n", encoding="utf-8")
    with pytest.raises(StarterDataError, match=r"rules.csv line 4: .*PHAK_NO_SUCH_CHAPTER"):
        read_starter_mapping(tmp_path)


@pytest.mark.django_db
def test_the_load_command_refuses_a_bad_mapping_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(DATA_DIR, tmp_path, dirs_exist_ok=True)
    (tmp_path / "rules.csv").write_text(
        "rule_set,area,task,references\ncommon,,(unclosed,PHAK_INTRO\n", encoding="utf-8"
    )
    monkeypatch.setattr(starter, "DATA_DIR", tmp_path)
    with pytest.raises(CommandError, match="not a valid pattern"):
        call_command("load_study_resources", stdout=io.StringIO())
    assert StudyResource.objects.count() == 0


@pytest.mark.django_db
def test_load_is_idempotent_and_keeps_curated_rows() -> None:
    out = io.StringIO()
    call_command("load_study_resources", stdout=out)
    total = len(shipped_rows())
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
