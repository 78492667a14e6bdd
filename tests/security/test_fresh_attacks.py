"""A fresh set of attacks on identity and visibility: forged tokens, and one person reaching for
another's data across users and organizations. Every one is refused with a 4xx, never a 5xx, and
none of them changes anything."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from accounts.models import Membership, User
from extraction.models import Report
from studyplans.models import StudyPlan
from studyplans.plans.services import study_plan_create
from tests.accounts.conftest import AUTHORIZED_PARTY, ISSUER, claims_for
from tests.factories import BatchFactory, MembershipFactory, OrganizationFactory, ReportFactory, UserFactory
from tests.personas import client_for

pytestmark = pytest.mark.django_db

ME = "/api/v1/me"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unsigned(header: dict[str, Any], claims: dict[str, Any], signature: str = "") -> str:
    return ".".join([b64url(json.dumps(header).encode()), b64url(json.dumps(claims).encode()), signature])


def forged_tokens(signing_key: Any) -> dict[str, str]:
    """Tokens an attacker can make without Clerk's private key, or by bending one it has."""
    attacker = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_pem = signing_key.private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    claims = claims_for(sub="user_victim")
    valid = jwt.encode(claims, signing_key.private, algorithm="RS256", headers={"kid": signing_key.kid})
    head, body, signature = valid.split(".")
    attacker_jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(attacker.public_key()))
    hs_header = b64url(json.dumps({"alg": "HS256", "typ": "JWT", "kid": signing_key.kid}).encode())
    hs_input = f"{hs_header}.{body}".encode()
    hs_signature = b64url(hmac.new(public_pem, hs_input, hashlib.sha256).digest())
    swapped = b64url(json.dumps(dict(claims, sub="user_someone_else")).encode())
    return {
        "alg none": unsigned({"alg": "none", "typ": "JWT"}, claims),
        "alg None, kid kept": unsigned({"alg": "None", "kid": signing_key.kid}, claims),
        "HS256 keyed with the public key": f"{hs_header}.{body}.{hs_signature}",
        "attacker's key, Clerk's kid": jwt.encode(
            claims, attacker, algorithm="RS256", headers={"kid": signing_key.kid}
        ),
        "attacker's key embedded as jwk": jwt.encode(
            claims, attacker, algorithm="RS256", headers={"kid": "attacker", "jwk": attacker_jwk}
        ),
        "attacker's jku": jwt.encode(
            claims, attacker, algorithm="RS256", headers={"kid": "attacker", "jku": "http://127.0.0.1:9/jwks"}
        ),
        "kid path traversal": jwt.encode(
            claims, attacker, algorithm="RS256", headers={"kid": "../../../../etc/passwd"}
        ),
        "kid injection": jwt.encode(claims, attacker, algorithm="RS256", headers={"kid": "x' OR '1'='1"}),
        "claims swapped under a valid signature": f"{head}.{swapped}.{signature}",
        "signature stripped": f"{head}.{body}.",
        "signature truncated": f"{head}.{body}.{signature[:20]}",
        "another issuer": jwt.encode(
            claims_for(sub="user_victim", iss="https://evil.example"),
            signing_key.private,
            algorithm="RS256",
            headers={"kid": signing_key.kid},
        ),
        "another front end": jwt.encode(
            claims_for(sub="user_victim", azp="https://evil.example"),
            signing_key.private,
            algorithm="RS256",
            headers={"kid": signing_key.kid},
        ),
        "expired an hour ago": jwt.encode(
            claims_for(sub="user_victim", iat=int(time.time()) - 7200, exp=int(time.time()) - 3600),
            signing_key.private,
            algorithm="RS256",
            headers={"kid": signing_key.kid},
        ),
        "not valid for an hour": jwt.encode(
            claims_for(sub="user_victim", nbf=int(time.time()) + 3600),
            signing_key.private,
            algorithm="RS256",
            headers={"kid": signing_key.kid},
        ),
        "no subject": jwt.encode(
            claims_for(sub=None), signing_key.private, algorithm="RS256", headers={"kid": signing_key.kid}
        ),
        "a 100 KB subject": jwt.encode(
            claims_for(sub="u" * 100_000),
            signing_key.private,
            algorithm="RS256",
            headers={"kid": signing_key.kid},
        ),
        "not three parts": "a.b",
        "binary junk": "\x00\x01\x02.\xff\xfe.\x00",
    }


@pytest.fixture
def victim(jwks_server: Any) -> User:
    return UserFactory(username="victim", clerk_id="user_victim", email="victim@example.com")


def test_every_forged_token_is_refused_with_401_and_no_user_is_made(
    anonymous_client, jwks_server, signing_key, victim: User
) -> None:
    assert AUTHORIZED_PARTY and ISSUER
    users = User.objects.count()
    for name, token in forged_tokens(signing_key).items():
        header = f"Bearer {token}"
        for method, path in (
            ("get", ME),
            ("get", "/api/v1/me/export"),
            ("delete", ME),
            ("get", "/api/v1/reports"),
        ):
            response = getattr(anonymous_client, method)(path, HTTP_AUTHORIZATION=header)
            assert response.status_code == 401, (name, method, path, response.status_code)
            assert response["Content-Type"] == "application/problem+json", name
    assert User.objects.count() == users
    victim.refresh_from_db()
    assert victim.is_active and victim.deleted_at is None


@pytest.fixture
def two_schools(school, student, instructor, school_admin) -> dict[str, Any]:
    """``school`` (student, instructor, admin) and a rival school with its own student and
    instructor; each student has a report, a plan and a batch."""
    rival = OrganizationFactory(name="Rival Aviation")
    rival_student, rival_cfi = (
        UserFactory(username="rival-student"),
        UserFactory(username="rival-cfi", role="cfi"),
    )
    MembershipFactory(user=rival_student, organization=rival, role=Membership.Role.STUDENT)
    MembershipFactory(user=rival_cfi, organization=rival, role=Membership.Role.INSTRUCTOR)
    classmate = UserFactory(username="classmate")
    MembershipFactory(user=classmate, organization=school, role=Membership.Role.STUDENT)
    owned: dict[str, Any] = {}
    for who in (student, rival_student):
        report = ReportFactory(owner=who, codes=["PA.I.A.K1"])
        plan = study_plan_create(user=who, report_ids=[report.pk])
        owned[who.username] = {"report": report, "plan": plan, "batch": BatchFactory(owner=who)}
    return {"rival_student": rival_student, "rival_cfi": rival_cfi, "classmate": classmate, "owned": owned}


def reach(client: Any, target: dict[str, Any]) -> list[tuple[str, int]]:
    """Every way to read or change the target's report, plan and batch, and the status each got."""
    report, plan, batch = target["report"], target["plan"], target["batch"]
    item = plan.items.first()
    attempts = [
        ("get", f"/api/v1/reports/{report.pk}", None),
        ("delete", f"/api/v1/reports/{report.pk}", None),
        ("post", f"/api/v1/reports/{report.pk}/share", {"days": 30}),
        ("delete", f"/api/v1/reports/{report.pk}/share", None),
        ("get", f"/api/v1/reports/{report.pk}/endorsement", None),
        ("get", f"/api/v1/study-plans/{plan.pk}", None),
        ("get", f"/api/v1/study-plans/{plan.pk}/export?format=csv", None),
        ("patch", f"/api/v1/study-plans/{plan.pk}/items/{item.pk}", {"done": True}),
        ("post", "/api/v1/study-plans", {"report_ids": [str(report.pk)]}),
        ("get", f"/api/v1/batches/{batch.pk}", None),
        ("get", f"/api/v1/batches/{batch.pk}/export?format=csv", None),
    ]
    outcomes = []
    for method, path, body in attempts:
        response = (
            getattr(client, method)(path, body, format="json") if body else getattr(client, method)(path)
        )
        outcomes.append((f"{method} {path}", response.status_code))
    return outcomes


def assert_nothing_changed(target: dict[str, Any]) -> None:
    report, plan = target["report"], target["plan"]
    assert Report.objects.filter(pk=report.pk, share_token=None).exists()
    assert not plan.items.filter(done=True).exists()
    assert StudyPlan.objects.filter(owner=report.owner).count() == 1


@pytest.mark.parametrize("attacker", ["rival_student", "rival_cfi", "classmate", "stranger"])
def test_nobody_outside_reaches_a_students_data(
    two_schools: dict[str, Any], stranger: User, attacker: str
) -> None:
    who = stranger if attacker == "stranger" else two_schools[attacker]
    target = two_schools["owned"]["student"]
    for attempt, status in reach(client_for(who), target):
        assert status in (403, 404), (attacker, attempt, status)
    assert_nothing_changed(target)


@pytest.mark.parametrize("attacker", ["instructor", "school_admin"])
def test_a_schools_staff_do_not_reach_a_rival_schools_student(
    two_schools: dict[str, Any], instructor: User, school_admin: User, attacker: str
) -> None:
    who = {"instructor": instructor, "school_admin": school_admin}[attacker]
    target = two_schools["owned"]["rival-student"]
    for attempt, status in reach(client_for(who), target):
        assert status in (403, 404), (attacker, attempt, status)
    assert_nothing_changed(target)


def test_staff_may_read_but_never_change_or_share_their_students_data(
    two_schools: dict[str, Any], instructor: User
) -> None:
    target = two_schools["owned"]["student"]
    outcomes = dict(reach(client_for(instructor), target))
    report, plan, batch = target["report"], target["plan"], target["batch"]
    assert outcomes[f"get /api/v1/reports/{report.pk}"] == 200
    assert outcomes[f"get /api/v1/study-plans/{plan.pk}"] == 200
    for attempt in (
        f"delete /api/v1/reports/{report.pk}",
        f"post /api/v1/reports/{report.pk}/share",
        f"delete /api/v1/reports/{report.pk}/share",
        f"patch /api/v1/study-plans/{plan.pk}/items/{plan.items.first().pk}",
        f"get /api/v1/batches/{batch.pk}",
    ):
        assert outcomes[attempt] in (403, 404), attempt
    assert all(status < 500 for status in outcomes.values())
    assert Report.objects.filter(pk=report.pk, share_token=None).exists()
    assert not plan.items.filter(done=True).exists()


def test_an_instructor_removed_from_the_school_reaches_nothing(
    two_schools: dict[str, Any], instructor: User
) -> None:
    Membership.objects.filter(user=instructor).delete()
    target = two_schools["owned"]["student"]
    for attempt, status in reach(client_for(instructor), target):
        assert status in (403, 404), (attempt, status)


def test_ids_that_are_not_ids_are_404_not_500(student_client) -> None:
    for path in (
        "/api/v1/reports/not-a-uuid",
        "/api/v1/reports/00000000-0000-0000-0000-000000000000",
        "/api/v1/study-plans/99999999999999999999",
        "/api/v1/study-plans/-1",
        "/api/v1/batches/%00",
        "/api/v1/reports/..%2F..%2Fadmin",
    ):
        assert 400 <= student_client.get(path).status_code < 500, path
