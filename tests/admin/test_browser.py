"""The admin in a real browser: Debian's Chromium driven by Playwright against a live server.

One staff member logs in through the login form, opens every changelist the admin index links
to and the change page of the first row of each, runs the bulk "mark reviewed" action and a
study-resource import through its dry-run preview. No page or request may end in a server error,
and no static file may be missing. Every model has a row, so every change page is really opened.

Chromium comes from Debian (``scripts/system-deps.sh``) and is launched by path: Playwright's own
browser download is never used.
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Browser, Page, Response, sync_playwright

from accounts.models import User, WebhookDelivery, WebhookEndpoint
from accounts.outgoing.signing import secret_encrypt, secret_generate
from extraction.models import AcsElement, BatchFile, CodeCorrection, Report
from studyplans.models import StudyPlanSection, StudyResource, StudyTask
from studyplans.resources.fields import EXPORT_FIELDS
from tests.catalog.conftest import make_rows, run_loader, write_catalog
from tests.factories import (
    BatchFileFactory,
    MembershipFactory,
    ReportFactory,
    StudyPlanFactory,
    StudyPlanItemFactory,
    StudyPlanSectionFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(120)]

PASSWORD = "a-long-staff-password-for-the-browser"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser(django_db_setup: None) -> Iterator[Browser]:
    """One Chromium for the module, started once the test database exists.

    Playwright's sync API keeps an event loop alive in this thread, which Django takes for an
    async context; the tests' own database reads (fixtures, assertions, the flush between tests)
    run in it all the same, one at a time, so the check is lifted while the browser is open.
    """
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: run scripts/system-deps.sh (make test does)")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
            yield launched
            launched.close()


@pytest.fixture
def operator_data(tmp_path: Path) -> dict[str, Any]:
    """A row in every table the admin shows; a report awaiting review for the bulk action."""
    staff = User.objects.create_superuser("operator", "operator@cfipros.test", PASSWORD)
    Group.objects.create(name="Reviewers")
    run_loader(str(write_catalog(tmp_path / "catalog.json", make_rows())))
    student = UserFactory(username="student")
    MembershipFactory(user=student)
    doubtful = ReportFactory(
        owner=student,
        status=Report.Status.NEEDS_REVIEW,
        review_reasons=["field_missing:score"],
        codes=["PA.I.A.K1"],
    )
    confirmed = ReportFactory(owner=student, codes=["PA.I.A.K2"])
    CodeCorrection.objects.create(report=confirmed, user=staff, before=["PA.I.A.K2"], after=["PA.I.A.K2"])
    BatchFileFactory(status=BatchFile.Status.SUCCEEDED, report=confirmed, batch__total_files=1)
    task = StudyTask.objects.create(
        prefix="PA", area="I", task="A", area_title="Preflight", task_title="Certs"
    )
    StudyResource.objects.create(
        task=task, publication="FAA-H-8083-25C", publication_title="PHAK", title="Intro"
    )
    plan = StudyPlanFactory(owner=student)
    StudyPlanItemFactory(section=StudyPlanSectionFactory(plan=plan), element=AcsElement.objects.first())
    assert StudyPlanSection.objects.exists()
    endpoint = WebhookEndpoint.objects.create(
        owner=student,
        url="https://hooks.school.example/cfipros",
        events=["batch.completed"],
        secret_encrypted=secret_encrypt(secret_generate()),
    )
    WebhookDelivery.objects.create(
        endpoint=endpoint, message_id="msg_admin", event_type="batch.completed", body="{}", status="failed"
    )
    return {"doubtful": doubtful, "task": task}


@pytest.fixture
def page(browser: Browser, live_server: Any) -> Iterator[Page]:
    """A fresh browser context; every response of 500 or more, and every missing static file, is kept."""
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(15_000)
    opened = context.new_page()
    failures: list[str] = []

    def watch(response: Response) -> None:
        if response.status >= 500 or (response.status == 404 and "/static/" in response.url):
            failures.append(f"{response.status} {response.request.method} {response.url}")

    opened.on("response", watch)
    opened.failures = failures  # type: ignore[attr-defined]
    yield opened
    context.close()
    assert failures == []


def log_in(page: Page, *, mistype_first: bool = False) -> None:
    page.goto("/admin/")
    if mistype_first:
        page.fill("#id_username", "operator")
        page.fill("#id_password", "not-the-password")
        page.click("input[type=submit]")
        page.wait_for_selector(".errornote")
    page.fill("#id_username", "operator")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")
    assert "Site administration" in page.title()


def visit(page: Page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"
    assert "Server Error" not in page.content()


def test_every_changelist_and_a_change_page_of_each(page: Page, operator_data: dict[str, Any]) -> None:
    """Every model of the project has a row, so each of its change pages is opened; a screen of
    an installed package (login attempts, say) is opened too, and its first row when it has one."""
    log_in(page, mistype_first=True)
    changelists = page.eval_on_selector_all(
        "#content-main .app-list th[scope=row] a, #content-main .module th[scope=row] a",
        "links => [...new Set(links.map(a => a.getAttribute('href')))]",
    )
    expected = {
        f"/admin/{model}/"
        for model in (
            "auth/group", "accounts/user", "accounts/organization", "accounts/membership",
            "extraction/batch", "extraction/batchfile", "extraction/acsdocument", "extraction/acselement",
            "extraction/report", "extraction/codecorrection", "studyplans/studytask",
            "studyplans/studyresource", "studyplans/studyplansection", "studyplans/studyplan",
            "accounts/webhookendpoint", "accounts/webhookdelivery",
        )
    }  # fmt: skip
    assert expected <= set(changelists)
    for changelist in changelists:
        visit(page, changelist)
        first_row = page.locator("#result_list tbody tr").first.locator("th a, td a").first
        if changelist not in expected and first_row.count() == 0:
            continue
        assert first_row.count() == 1, f"{changelist} lists nothing to open"
        href = first_row.get_attribute("href")
        assert href
        first_row.click()
        page.wait_for_load_state()
        assert page.url.rstrip("/").endswith(("/change", "/change/")) or "/change/" in page.url, page.url
        assert page.locator("#content h1, #content h2").first.is_visible()
        assert "Server Error" not in page.content()


def test_mark_reviewed_from_the_report_list(page: Page, operator_data: dict[str, Any]) -> None:
    doubtful: Report = operator_data["doubtful"]
    log_in(page)
    visit(page, "/admin/extraction/report/?status__exact=needs_review")
    page.check(f"input[name=_selected_action][value='{doubtful.pk}']")
    page.select_option("select[name=action]", "mark_reviewed")
    page.click("button[name=index]")
    page.wait_for_selector(".messagelist .success")
    assert "1 report(s) marked reviewed" in page.inner_text(".messagelist")
    doubtful.refresh_from_db()
    assert doubtful.status == Report.Status.OK
    assert CodeCorrection.objects.filter(report=doubtful, user__username="operator").exists()


def test_study_resource_import_is_previewed_then_confirmed(page: Page, operator_data: dict[str, Any]) -> None:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerow(
        {"prefix": "PA", "area": "I", "task": "A", "publication": "AIM", "chapter": "7-1", "title": "Weather",
         "publication_title": "Aeronautical Information Manual", "estimated_minutes": "25"}
    )  # fmt: skip
    log_in(page)
    visit(page, "/admin/studyplans/studyresource/")
    page.click("a.import_link")
    page.set_input_files(
        "input[name=import_file]",
        files=[{"name": "resources.csv", "mimeType": "text/csv", "buffer": out.getvalue().encode()}],
    )
    page.click("form[enctype='multipart/form-data'] input[type=submit]")
    confirm = page.get_by_role("button", name="Confirm import")
    confirm.wait_for()
    assert "New" in page.inner_text("#content")
    assert not StudyResource.objects.filter(title="Weather").exists()
    confirm.click()
    page.wait_for_selector(".messagelist .success")
    assert StudyResource.objects.get(title="Weather").curated
