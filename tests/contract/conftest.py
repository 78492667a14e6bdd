"""A world for the fuzzer: the student persona signed in with a real RS256 token, and stored
objects behind every detail route (a report, a shared result, a batch, a study plan, an
instructor's invitations and a link)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import jwt
import pytest
from django.core.wsgi import get_wsgi_application
from django.db import connections
from django.utils import timezone

from accounts.authentication import reset_jwks_cache
from accounts.cohorts.services import cohort_create
from accounts.links.services import invitation_accept, invitation_create
from accounts.models import Membership, User, WebhookDelivery
from accounts.outgoing import addresses, transport
from accounts.outgoing.services import webhook_endpoint_create
from extraction.adapter.extract import get_catalog, reset_catalog
from tests.accounts.conftest import AUTHORIZED_PARTY, ISSUER, JWKSServer, SigningKey, claims_for
from tests.cache_keys import delete_cache_keys
from tests.contract.fuzzing import FuzzTarget
from tests.engine.generator.documents import UPLOAD, aktr_pdf
from tests.factories import (
    BatchFactory,
    BatchFileFactory,
    MembershipFactory,
    OrganizationFactory,
    ReportFactory,
    StudyPlanItemFactory,
    UserFactory,
    acs_element,
)

CODES = ["PA.I.A.K1", "PA.I.B.K2"]
HOOK_URL = "http://127.0.0.1:9/hook"
WEBHOOK_OPERATIONS = [
    "GET /api/v1/webhook-endpoints",
    "POST /api/v1/webhook-endpoints",
    "GET /api/v1/webhook-endpoints/{id}",
    "PATCH /api/v1/webhook-endpoints/{id}",
    "DELETE /api/v1/webhook-endpoints/{id}",
    "POST /api/v1/webhook-endpoints/{id}/rotate-secret",
    "POST /api/v1/webhook-endpoints/{id}/test",
    "GET /api/v1/webhook-endpoints/{id}/deliveries",
    "POST /api/v1/webhook-endpoints/{id}/deliveries/{delivery_id}/replay",
]


@pytest.fixture
def fuzz_target(transactional_db: None, settings, monkeypatch) -> Iterator[FuzzTarget]:
    """The fuzzer calls from its own threads, so the data is committed (``transactional_db``)
    and each request closes its connection (no connection outlives the test database)."""
    key = SigningKey("contract-key")
    server = JWKSServer()
    server.keys = [key.jwk]
    settings.CLERK_JWKS_URL = server.url
    settings.CLERK_ISSUER = ISSUER
    settings.CLERK_AUTHORIZED_PARTIES = [AUTHORIZED_PARTY]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            name: "100000/hour" for name in settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
        },
    }
    connections.settings["default"]["CONN_MAX_AGE"] = 0
    reset_jwks_cache()
    delete_cache_keys("*throttle_*")
    for code in CODES:
        acs_element(
            code, area_title="Preflight Preparation", task_title="Pilot Qualifications", description=code
        )
    reset_catalog()
    get_catalog()

    # On the CFI plan, so the plan-gated operations (cohorts, batches) can succeed too.
    student = UserFactory(username="student", clerk_plan="cfi")
    report = ReportFactory(owner=student, codes=CODES)
    shared = ReportFactory(owner=None, applicant_name="", expires_at=timezone.now() + dt.timedelta(hours=20))
    batch = BatchFactory(owner=student, total_files=1)
    BatchFileFactory(batch=batch, report=report)
    item = StudyPlanItemFactory(section__plan__owner=student)
    item.plan.reports.add(report)
    leaver = UserFactory(username="leaver")
    instructor = UserFactory(username="cfi", role=User.Role.CFI)
    invitations = [invitation_create(inviter=instructor, inviter_as="instructor") for _ in range(3)]
    link = invitation_accept(token=invitations.pop().token, user=student)
    # More than one: a fuzzed DELETE may remove one before a PATCH is tried.
    cohorts = [cohort_create(owner=student, name=f"Cohort {n}", student_ids=[]) for n in range(4)]
    # A school the persona administers, so its analytics have something to answer.
    school = OrganizationFactory(clerk_plan="school")
    MembershipFactory(user=student, organization=school, role=Membership.Role.ADMIN)
    # Webhook endpoints are a CFI's: their operations sign in as one, who has several (a fuzzed
    # DELETE may remove one), each with a finished delivery to replay.
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    settings.WEBHOOKS_MAX_ATTEMPTS = 1
    settings.WEBHOOKS_MAX_ENDPOINTS = 10000
    settings.WEBHOOKS_MAX_CONSECUTIVE_FAILURES = 10000
    # The fuzzer's host names resolve to this machine (there is no DNS here) and no attempt is
    # sent: the address rules and real sending are tests/webhooks_outgoing's.
    monkeypatch.setattr(addresses, "resolve", lambda host, port: ["127.0.0.1"])
    monkeypatch.setattr(transport, "post", lambda *args, **kwargs: transport.Answer(None, 0, "Not sent."))
    hooks_cfi = UserFactory(username="hooks-cfi", role=User.Role.CFI, clerk_plan="cfi")
    endpoints = [
        webhook_endpoint_create(user=hooks_cfi, url=HOOK_URL, events=["batch.completed"])[0] for _ in range(3)
    ]
    deliveries = [
        WebhookDelivery.objects.create(
            endpoint=e, message_id=f"msg_{e.pk.hex}", event_type="batch.completed", body="{}", status="failed"
        )
        for e in endpoints
    ]

    def token_for(clerk_id: str) -> str:
        claims = claims_for(sub=clerk_id, exp=int(dt.datetime.now().timestamp()) + 3600)
        return jwt.encode(claims, key.private, algorithm="RS256", headers={"kid": key.kid})

    try:
        yield FuzzTarget(
            app=get_wsgi_application(),
            token=token_for(student.clerk_id),
            tokens={
                "DELETE /api/v1/me": token_for(leaver.clerk_id),
                **dict.fromkeys(WEBHOOK_OPERATIONS, token_for(hooks_cfi.clerk_id)),
            },
            path_values={
                "id": [
                    str(report.pk),
                    str(batch.pk),
                    item.plan.pk,
                    link.pk,
                    school.pk,
                    *(c.pk for c in cohorts),
                    *(str(e.pk) for e in endpoints),
                ],
                "delivery_id": [str(d.pk) for d in deliveries],
                "report_id": [str(report.pk)],
                "share_token": [shared.share_token],
                "token": [invitation.token for invitation in invitations],
                "item_id": [item.pk],
                "code": CODES,
            },
            body_values={"report_ids": [str(report.pk)], "url": HOOK_URL},
            documents=[aktr_pdf(UPLOAD)],
        )
    finally:
        server.close()
        reset_jwks_cache()
        delete_cache_keys("*throttle_*")
