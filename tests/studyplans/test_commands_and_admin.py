"""Regenerating plans after code corrections, from the command line and from the admin."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import User
from extraction.models import AcsElement, ReportCode
from studyplans.models import StudyPlan, StudyResource, StudyTask
from studyplans.plans.services import study_plan_create
from studyplans.progress.services import study_plan_item_update
from tests.factories import ReportFactory
from tests.studyplans.conftest import load_prefixes

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("regenerate_study_plans", *args, stdout=out)
    return out.getvalue()


def test_regenerate_only_plans_whose_codes_changed(student: User) -> None:
    load_prefixes("PA")
    report = ReportFactory(owner=student, codes=["PA.I.A.K1", "PA.I.B.K1"])
    untouched = ReportFactory(owner=student, codes=["PA.II.A.K1"])
    plan = study_plan_create(user=student, report_ids=[report.pk])
    other = study_plan_create(user=student, report_ids=[untouched.pk])
    done_item = plan.items.get(code="PA.I.A.K1")
    study_plan_item_update(plan=plan, item=done_item, done=True, minutes_spent=15)
    assert "0 out of date" in run()

    ReportCode.objects.filter(report=report, code="PA.I.B.K1").update(
        code="PA.I.B.K2", element=AcsElement.objects.get(code="PA.I.B.K2")
    )
    dry = run("--dry-run")
    assert "1 out of date" in dry and f"would regenerate plan {plan.pk}" in dry
    assert set(plan.items.values_list("code", flat=True)) == {"PA.I.A.K1", "PA.I.B.K1"}

    out = run()
    assert f"[1/1] regenerated plan {plan.pk}" in out
    plan.refresh_from_db()
    assert set(plan.items.values_list("code", flat=True)) == {"PA.I.A.K1", "PA.I.B.K2"}
    kept = plan.items.get(code="PA.I.A.K1")
    assert kept.done and kept.minutes_spent == 15
    assert other.items.count() == 1
    assert "0 out of date" in run()


def test_admin_pages_and_regenerate_action(student: User) -> None:
    load_prefixes("PA")
    report = ReportFactory(owner=student, codes=["PA.I.A.K1", "PA.I.C.K1"])
    plan = study_plan_create(user=student, report_ids=[report.pk])
    staff = User.objects.create_superuser("staff", "staff@example.com", "pw-staff-123")
    client = Client()
    client.force_login(staff)
    task = StudyTask.objects.get(prefix="PA", area="I", task="C")
    resource = task.resources.first()
    assert resource is not None
    for url in (
        "/admin/studyplans/studyplan/",
        f"/admin/studyplans/studyplan/{plan.pk}/change/",
        "/admin/studyplans/studytask/?prefix=PA",
        f"/admin/studyplans/studytask/{task.pk}/change/",
        "/admin/studyplans/studyresource/?q=weather",
        f"/admin/studyplans/studyresource/{resource.pk}/change/",
        f"/admin/studyplans/studyplansection/{plan.sections.first().pk}/change/",
    ):
        assert client.get(url).status_code == 200, url

    data = {
        "task": task.pk,
        "element_code": "",
        "publication": resource.publication,
        "publication_title": resource.publication_title,
        "chapter": resource.chapter,
        "title": "Edited by staff",
        "url": resource.url,
        "estimated_minutes": 15,
        "position": resource.position,
    }
    response = client.post(f"/admin/studyplans/studyresource/{resource.pk}/change/", data)
    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.curated and resource.title == "Edited by staff"

    response = client.post(
        "/admin/studyplans/studyplan/", {"action": "regenerate", "_selected_action": [plan.pk]}
    )
    assert response.status_code == 302
    item = StudyPlan.objects.get(pk=plan.pk).items.get(code="PA.I.C.K1")
    assert any(r["title"] == "Edited by staff" for r in item.resources)
    assert StudyResource.objects.filter(curated=True).count() == 1


def test_inline_edit_under_a_task_marks_the_resource_curated() -> None:
    load_prefixes("UA")
    staff = User.objects.create_superuser("staff", "staff@example.com", "pw-staff-123")
    client = Client()
    client.force_login(staff)
    task = StudyTask.objects.get(prefix="UA", area="I", task="D")
    resources = list(task.resources.order_by("id"))
    fields = [
        "element_code",
        "publication",
        "publication_title",
        "chapter",
        "title",
        "url",
        "estimated_minutes",
        "position",
    ]
    data = {
        "prefix": task.prefix,
        "area": task.area,
        "task": task.task,
        "area_title": task.area_title,
        "task_title": task.task_title,
        "resources-TOTAL_FORMS": str(len(resources)),
        "resources-INITIAL_FORMS": str(len(resources)),
        "resources-MIN_NUM_FORMS": "0",
        "resources-MAX_NUM_FORMS": "1000",
    }
    for index, resource in enumerate(resources):
        data[f"resources-{index}-id"] = str(resource.pk)
        data[f"resources-{index}-task"] = str(task.pk)
        for name in fields:
            data[f"resources-{index}-{name}"] = str(getattr(resource, name))
    data["resources-0-estimated_minutes"] = "33"
    response = client.post(f"/admin/studyplans/studytask/{task.pk}/change/", data)
    assert response.status_code == 302, response.content[:2000]
    edited, *others = StudyResource.objects.filter(task=task).order_by("id")
    assert edited.curated and edited.estimated_minutes == 33
    assert not any(other.curated for other in others)


def test_deleting_a_report_empties_the_plan_on_regeneration(student: User) -> None:
    report = ReportFactory(owner=student, codes=["PA.I.A.K1"])
    plan = study_plan_create(user=student, report_ids=[report.pk])
    report.delete()
    assert "[1/1] regenerated" in run()
    plan.refresh_from_db()
    assert plan.items.count() == 0 and plan.status == "completed"
    assert "0 out of date" in run()


def test_admin_refuses_an_element_of_another_task() -> None:
    load_prefixes("UA")
    staff = User.objects.create_superuser("staff", "staff@example.com", "pw-staff-123")
    client = Client()
    client.force_login(staff)
    task = StudyTask.objects.get(prefix="UA", area="I", task="D")
    data = {
        "task": task.pk,
        "element_code": "UA.I.E.K1",
        "publication": "14 CFR Part 107",
        "publication_title": "Small Unmanned Aircraft Systems",
        "chapter": "§ 107.205",
        "title": "List of regulations subject to waiver",
        "url": "",
        "estimated_minutes": 10,
        "position": 5,
    }
    response = client.post("/admin/studyplans/studyresource/add/", data)
    assert response.status_code == 200
    assert "Give an element of this task" in response.content.decode()
    data["element_code"] = "UA.I.D.K1"
    assert client.post("/admin/studyplans/studyresource/add/", data).status_code == 302
    assert StudyResource.objects.get(element_code="UA.I.D.K1").curated
