"""Issue 11, item 10: erasing a person, through Clerk or ``DELETE /api/v1/me``, leaves nothing of them.

Before: a Clerk deletion did not scrub batch file names (often the applicant's name), there was no
way to erase one's account from the API, and a batch file finishing after the deletion stored a
report with the applicant's identity that nothing ever scrubbed.
"""

from __future__ import annotations

import secrets
import subprocess
from typing import Any

import pypdfium2 as pdfium
import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from accounts.cohorts.services import cohort_create
from accounts.links.services import invitation_accept, invitation_create
from accounts.models import Cohort, Invitation, Link, Membership, User
from accounts.services import user_erase
from extraction.batches import processing, transit
from extraction.models import BatchFile, Report
from extraction.reports.services import report_create_from_result
from studyplans.models import StudyPlan, StudyPlanItem
from studyplans.plans.services import study_plan_create
from tests.accounts.clerk_events import deliver
from tests.factories import (
    BatchFactory,
    BatchFileFactory,
    ExtractionResultFactory,
    MembershipFactory,
    UserFactory,
)
from tests.personas import client_for

ME = "/api/v1/me"


class Person:
    """A signed-up pilot whose every identifying value is a fresh random marker."""

    def __init__(self) -> None:
        self.first = "ZQ" + secrets.token_hex(5).upper()
        self.last = "ZR" + secrets.token_hex(5).upper()
        self.email = f"{self.first.lower()}@example.com"
        self.ftn = "F" + secrets.token_hex(4).upper()[:7]
        self.exam_id = str(secrets.randbelow(10**17) + 8 * 10**17)
        self.applicant_id = "A" + secrets.token_hex(4).upper()
        self.site = "SITE" + secrets.token_hex(4).upper()
        self.file_name = f"{self.last.lower()}-{self.first.lower()}-aktr.pdf"

    @property
    def markers(self) -> list[str]:
        return [
            self.first,
            self.last,
            self.email,
            self.ftn,
            self.exam_id,
            self.applicant_id,
            self.site,
            self.file_name,
        ]

    def result(self, **overrides: Any) -> Any:
        fields = {
            "applicant_name": f"{self.last}, {self.first}",
            "ftn": self.ftn,
            "exam_id": self.exam_id,
            "applicant_id": self.applicant_id,
            "exam_site": self.site,
            **overrides,
        }
        return ExtractionResultFactory(**fields)

    def sign_up(self, school: Any) -> User:
        """The account with a report, a batch file named after them, a plan with progress, a
        membership, a link with an instructor, invitations sent and received, and a line in the
        admin's history naming them."""
        user = UserFactory(first_name=self.first, last_name=self.last, email=self.email)
        MembershipFactory(user=user, organization=school)
        coach = UserFactory(role=User.Role.CFI)
        accepted = invitation_create(inviter=coach, inviter_as=Invitation.Side.INSTRUCTOR, email=self.email)
        invitation_accept(token=accepted.token, user=user)
        cohort_create(owner=coach, name="Tuesday ground school", student_ids=[user.pk])
        invitation_create(inviter=coach, inviter_as=Invitation.Side.INSTRUCTOR, email=self.email)
        invitation_create(
            inviter=user, inviter_as=Invitation.Side.STUDENT, email=f"{self.last.lower()}-cfi@example.com"
        )
        report = report_create_from_result(owner=user, result=self.result())
        report_create_from_result(owner=user, result=self.result(exam_id=self.exam_id + "7", exam_code="IRA"))
        BatchFileFactory(batch=BatchFactory(owner=user, total_files=1), name=self.file_name, report=report)
        plan = study_plan_create(user=user, report_ids=[report.pk])
        StudyPlanItem.objects.filter(plan=plan).update(done=True, minutes_spent=25)
        LogEntry.objects.create(
            user=UserFactory(is_staff=True),
            content_type=ContentType.objects.get_for_model(User),
            object_id=str(user.pk),
            object_repr=str(user),
            action_flag=CHANGE,
            change_message=f'[{{"changed": {{"fields": ["{self.last}"]}}}}]',
        )
        return user


def tables_containing(needle: str) -> dict[str, int]:
    """Every table whose rows, rendered as text (every column, JSON included), hold ``needle``."""
    found: dict[str, int] = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT count(*) FROM {quoted} t WHERE strpos(t::text, %s) > 0", [needle])  # noqa: S608
            count = cursor.fetchone()[0]
            if count:
                found[table] = count
    return found


def pg_dump() -> str:
    """The data of the whole test database as ``pg_dump`` writes it."""
    db = connection.settings_dict
    command = ["pg_dump", "--data-only", "--no-owner", "-h", db["HOST"] or "127.0.0.1", "-U", db["USER"]]
    command += ["-p", str(db["PORT"] or 5432), db["NAME"]]
    return subprocess.run(command, capture_output=True, text=True, check=True, timeout=120).stdout


@pytest.mark.django_db(transaction=True)
def test_after_delete_me_a_dump_of_postgresql_holds_nothing_of_the_person(school) -> None:
    person = Person()
    user = person.sign_up(school)
    before = pg_dump()
    assert all(marker in before for marker in person.markers), "the dump reads the test database"

    assert client_for(user).delete(ME).status_code == 204

    after = pg_dump()
    assert [marker for marker in person.markers if marker in after] == []
    report = Report.objects.filter(owner=user).order_by("exam_code").last()
    assert report is not None and report.score == 82, "results stay, without identity"
    assert StudyPlan.objects.get(owner=user).items.filter(done=True).exists()
    assert not Membership.objects.filter(user=user).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("route", ["api", "clerk"])
def test_erasure_scrubs_every_personal_field_whatever_the_route(
    anonymous_client, school, instructor, route: str
) -> None:
    person, bystander = Person(), Person()
    user = person.sign_up(school)
    bystander.sign_up(school)
    if route == "api":
        assert client_for(user).delete(ME).status_code == 204
    else:
        event = {"type": "user.deleted", "data": {"id": user.clerk_id, "deleted": True}}
        assert deliver(anonymous_client, event).status_code == 200
    for marker in person.markers:
        assert tables_containing(marker) == {}, marker
    for marker in bystander.markers:
        assert tables_containing(marker), f"{marker}: someone else's data went too"
    user.refresh_from_db()
    assert (user.is_active, user.deleted_at is not None) == (False, True)
    assert not BatchFile.objects.filter(batch__owner=user).exclude(name="").exists()


def pdf_text(data: bytes) -> str:
    document = pdfium.PdfDocument(data)
    return "".join(page.get_textpage().get_text_range() for page in document)


def plan_and_endorsement_texts(user: User) -> list[str]:
    """What the owner reads of their plan (PDF and CSV) and of their report's endorsement."""
    client = client_for(user)
    report = Report.objects.filter(owner=user).order_by("exam_code").last()
    plan = StudyPlan.objects.get(owner=user)
    pdf = client.get(f"/api/v1/study-plans/{plan.pk}/export?format=pdf")
    csv = client.get(f"/api/v1/study-plans/{plan.pk}/export?format=csv")
    endorsement = client.get(f"/api/v1/reports/{report.pk}/endorsement?format=text")
    assert (pdf.status_code, csv.status_code, endorsement.status_code) == (200, 200, 200)
    return [pdf_text(pdf.content), csv.content.decode(), endorsement.content.decode()]


@pytest.mark.django_db
def test_an_erased_persons_plan_and_endorsement_name_nobody(school) -> None:
    """Plans and endorsements hold no identity of their own: they read it from the reports."""
    person = Person()
    user = person.sign_up(school)
    pdf, _csv, endorsement = plan_and_endorsement_texts(user)
    assert person.last in pdf and person.last in endorsement
    user_erase(user=user)
    for text in plan_and_endorsement_texts(user):
        assert [marker for marker in person.markers if marker in text] == []


@pytest.mark.django_db
def test_a_batch_file_finishing_after_the_erasure_stores_nothing_personal(
    school, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    """The worker read the file before the erasure and finishes after it."""
    person = Person()
    user = UserFactory(first_name=person.first, last_name=person.last, email=person.email)
    batch = BatchFactory(owner=user, total_files=1)
    file = BatchFileFactory(batch=batch, name=person.file_name)
    transit.put_many({file.pk: b"%PDF-1.4 the applicant's report"})

    def engine_outlived_by_the_erasure(data: bytes, **kwargs: object) -> Any:
        user_erase(user=User.objects.get(pk=user.pk))
        return person.result()

    monkeypatch.setattr(processing, "run_extraction", engine_outlived_by_the_erasure)
    with django_capture_on_commit_callbacks(execute=True):
        assert processing.batch_file_process(file.pk) == BatchFile.Status.SUCCEEDED
    report = Report.objects.get(batch_files__pk=file.pk)
    assert report.owner == user and report.score == 82
    for marker in person.markers:
        assert tables_containing(marker) == {}, marker


@pytest.mark.django_db
def test_erasure_drops_the_bytes_of_unprocessed_files(school, django_capture_on_commit_callbacks) -> None:
    person = Person()
    user = person.sign_up(school)
    pending = BatchFileFactory(batch=BatchFactory(owner=user, total_files=1), name=person.file_name)
    transit.put_many({pending.pk: b"%PDF-1.4 waiting for a worker"})
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(user).delete(ME).status_code == 204
    assert transit.get(pending.pk) is None
    assert processing.batch_file_process(pending.pk) == BatchFile.Status.FAILED
    assert not Report.objects.filter(batch_files__pk=pending.pk).exists()


@pytest.mark.django_db
def test_erasing_again_is_harmless(school) -> None:
    person = Person()
    user = person.sign_up(school)
    assert client_for(user).delete(ME).status_code == 204
    user.refresh_from_db()
    stamp = user.deleted_at
    user_erase(user=user)
    user.refresh_from_db()
    assert user.deleted_at == stamp


@pytest.mark.django_db
def test_delete_me_needs_a_signed_in_user_and_refuses_staff(anonymous_client) -> None:
    assert anonymous_client.delete(ME).status_code == 401
    staff = User.objects.create_superuser("ops", "ops@example.com", "x")
    response = client_for(staff).delete(ME)
    assert response.status_code == 403
    assert response.json()["code"] == "staff_account"
    staff.refresh_from_db()
    assert staff.is_active and staff.email == "ops@example.com"


@pytest.mark.django_db
@pytest.mark.parametrize("route", ["api", "clerk"])
def test_erasure_ends_the_share_links_the_person_handed_out(anonymous_client, school, route: str) -> None:
    person = Person()
    user = person.sign_up(school)
    report = Report.objects.filter(owner=user).first()
    made = client_for(user).post(f"/api/v1/reports/{report.pk}/share", {"days": 30}, format="json")
    assert made.status_code == 201, made.content
    report.refresh_from_db()
    link = f"/api/v1/results/{report.share_token}"
    assert anonymous_client.get(link).status_code == 200
    if route == "api":
        assert client_for(user).delete(ME).status_code == 204
    else:
        event = {"type": "user.deleted", "data": {"id": user.clerk_id, "deleted": True}}
        assert deliver(anonymous_client, event).status_code == 200
    assert anonymous_client.get(link).status_code in (404, 410)
    assert not Report.objects.filter(owner=user).exclude(share_token=None).exists()


@pytest.mark.django_db
def test_erasure_ends_the_persons_links_and_voids_their_invitations(school) -> None:
    person = Person()
    user = person.sign_up(school)
    assert Link.objects.filter(student=user, status=Link.Status.ACTIVE).exists()
    assert client_for(user).delete(ME).status_code == 204
    assert not Link.objects.filter(student=user, status=Link.Status.ACTIVE).exists()
    mine = Invitation.objects.filter(inviter=user) | Invitation.objects.filter(invitee=user)
    assert mine.exists()
    assert not Invitation.objects.filter(status=Invitation.Status.PENDING, email="").exists()
    assert not Invitation.objects.filter(inviter=user, status=Invitation.Status.PENDING).exists()
    for marker in person.markers:
        assert tables_containing(marker) == {}, marker


@pytest.mark.django_db
def test_erasure_takes_the_person_out_of_cohorts_and_drops_their_own(school) -> None:
    person = Person()
    user = person.sign_up(school)
    assert Cohort.objects.filter(students=user).exists()
    teacher = UserFactory(role=User.Role.CFI)
    invitation = invitation_create(inviter=teacher, inviter_as=Invitation.Side.INSTRUCTOR)
    invitation_accept(token=invitation.token, user=UserFactory(username="pupil"))
    cohort_create(
        owner=teacher, name=f"{person.last} flight club", student_ids=[User.objects.get(username="pupil").pk]
    )
    user_erase(user=user)
    user_erase(user=teacher)
    assert not Cohort.objects.filter(students=user).exists()
    assert not Cohort.objects.filter(owner=teacher).exists()
    assert tables_containing(person.last) == {}
