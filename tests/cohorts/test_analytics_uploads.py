"""Cohort and school analytics over reports made through the real upload path, against the same
figures counted here, independently, from what each uploaded report prints."""

from __future__ import annotations

import datetime as dt
import random
import statistics
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest

from accounts.models import Link, Membership, User
from extraction.adapter.extract import get_catalog, reset_catalog
from tests.batches.documents import EXAMS, student_report
from tests.cache_keys import delete_cache_keys
from tests.engine.generator.documents import aktr_pdf
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory, acs_element
from tests.personas import client_for
from tests.reports.helpers import upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _engine_and_catalogue(db: None) -> Iterator[None]:
    """The engine must know the printed codes, and the catalogue must name their areas."""
    delete_cache_keys("*throttle_*")
    if "PA.I.B.K1a" not in get_catalog() or "IR.I.B.K1" not in get_catalog():
        reset_catalog()
        get_catalog()
    for _, codes in EXAMS.values():
        for code in codes:
            acs_element(code, area_title=f"Area {code.split('.')[1]}", task_title="Task", description=code)
    yield
    delete_cache_keys("*throttle_*")


def _upload_class(seed: int) -> tuple[dict[str, Any], list[User], User]:
    """A school with a CFI linked to every student; each student uploads one or two reports."""
    rng = random.Random(seed)
    organization = OrganizationFactory(clerk_plan="school")
    admin = MembershipFactory(organization=organization, role=Membership.Role.ADMIN).user
    cfi = UserFactory(username=f"upload_cfi{seed}", role=User.Role.CFI, clerk_plan="cfi")
    students: list[User] = []
    made: list[dict[str, Any]] = []
    for n in range(6):
        pupil = UserFactory(username=f"uploader{seed}_{n}", clerk_plan="student_pro")
        MembershipFactory(user=pupil, organization=organization, role=Membership.Role.STUDENT)
        Link.objects.create(instructor=cfi, student=pupil)
        students.append(pupil)
        for take in range(rng.randint(1, 2)):
            exam = rng.choice(["PAR", "PAR", "IRA"])
            codes = sorted(rng.sample(EXAMS[exam][1], rng.randint(0, 3)))
            score = rng.randint(55, 98)
            day = dt.date(2025, rng.randint(1, 12), rng.randint(1, 28))
            spec = student_report(
                name=f"Pupil, Number{n}",
                ftn=f"FTN{seed}{n:02d}{take}",
                exam_id=str(rng.randrange(10**17, 10**18)),
                exam_code=exam,
                exam_date=day,
                score=score,
                codes=codes,
            )
            response = upload(client_for(pupil), aktr_pdf(spec))
            assert response.status_code == 201, response.content
            made.append(
                {
                    "owner": pupil.pk,
                    "score": score,
                    "grade": "PASS" if score >= 70 else "FAIL",
                    "codes": codes,
                }
            )
    cohort = client_for(cfi).post(
        "/api/v1/cohorts", {"name": "Uploads", "student_ids": [p.pk for p in students]}, format="json"
    )
    assert cohort.status_code == 201, cohort.content
    school = {"organization": organization, "admin": admin, "cfi": cfi, "cohort": cohort.json()["id"]}
    return school | {"made": made}, students, cfi


def _expected(made: list[dict[str, Any]], students: int) -> dict[str, Any]:
    missing: dict[str, set[int]] = defaultdict(set)
    for report in made:
        for code in report["codes"]:
            missing[".".join(code.split(".")[:2])].add(report["owner"])
    scores = [r["score"] for r in made]
    return {
        "students": students,
        "reports": len(made),
        "pass_rate": round(sum(r["grade"] == "PASS" for r in made) / len(made), 4),
        "mean": round(statistics.fmean(scores), 2),
        "missing": {area: len(owners) for area, owners in missing.items()},
    }


def _observed(body: dict[str, Any]) -> dict[str, Any]:
    return {
        "students": body["students"],
        "reports": body["reports"],
        "pass_rate": body["pass_rate"],
        "mean": body["score"]["mean"],
        "missing": {f"{a['prefix']}.{a['area']}": a["students_missing"] for a in body["areas"]},
    }


def test_cohort_and_school_analytics_match_the_uploaded_reports() -> None:
    school, students, cfi = _upload_class(21)
    expected = _expected(school["made"], len(students))
    cohort = client_for(cfi).get(f"/api/v1/cohorts/{school['cohort']}/analytics")
    assert cohort.status_code == 200, cohort.content
    assert _observed(cohort.json()) == expected
    whole = client_for(school["admin"]).get(f"/api/v1/organizations/{school['organization'].pk}/analytics")
    assert whole.status_code == 200, whole.content
    assert _observed(whole.json()) == expected
    (row,) = [r for r in whole.json()["instructors"] if r["id"] == school["admin"].pk]
    assert row["students"] == 0


def test_a_report_deleted_through_the_api_leaves_the_figures_at_once() -> None:
    school, students, cfi = _upload_class(22)
    path = f"/api/v1/cohorts/{school['cohort']}/analytics"
    before = client_for(cfi).get(path).json()
    owner = students[0]
    report_id = client_for(owner).get("/api/v1/reports").json()["results"][0]["id"]
    assert client_for(owner).delete(f"/api/v1/reports/{report_id}").status_code == 204
    after = client_for(cfi).get(path).json()
    assert after["reports"] == before["reports"] - 1
