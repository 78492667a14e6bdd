"""Batch bytes in transit: their own Redis, a warning when it is unsafe, a cap per user, one copy.

The audit's findings: a batch holds up to 100 MB, twice in web-worker memory and for up to 30
minutes in the Redis that also holds the cache, the throttles, webhook replay keys and the
broker, so memory pressure or eviction there breaks throttling and replay protection. Now the
transit store reads ``TRANSIT_REDIS_URL`` (which may name a Redis of its own), start-up warns
when that Redis would evict or persist documents, a user has a cap on bytes in flight (429
beyond it), and the upload is handed to Redis from the request's own buffer, not copied.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import time
import tracemalloc
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient, APIRequestFactory, force_authenticate

from accounts.models import User
from extraction.batches import transit
from extraction.models import BatchFile
from tests.factories import UserFactory
from tests.operations.processes import PRODUCTION_ENV, run_python
from tests.personas import client_for

MB = 1024 * 1024
PROBLEM = "application/problem+json"


def _other_redis_db_url() -> str:
    """A database of the same server that is not the one ``REDIS_URL`` names."""
    current = int(settings.REDIS_URL.rsplit("/", 1)[-1] or 0)
    return settings.REDIS_URL.rsplit("/", 1)[0] + f"/{(current + 1) % 16}"


# --- its own Redis ------------------------------------------------------------------------------


def test_transit_reads_transit_redis_url(settings: Any) -> None:
    settings.TRANSIT_REDIS_URL = _other_redis_db_url()
    file_id = uuid.uuid4()
    key = f"{transit.KEY_PREFIX}{file_id}"
    transit_db = redis.Redis.from_url(settings.TRANSIT_REDIS_URL)
    main_db = redis.Redis.from_url(settings.REDIS_URL)
    try:
        transit.put_many({file_id: b"document bytes"})
        assert transit_db.get(key) == b"document bytes"
        assert main_db.get(key) is None
        assert transit.get(file_id) == b"document bytes"
    finally:
        transit.discard(file_id)
        transit_db.close()
        main_db.close()


# --- a warning at start-up when that Redis would lose or keep documents ---------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def unsafe_redis(tmp_path: Path) -> Iterator[str]:
    """A private redis-server that evicts keys under pressure and snapshots to disk."""
    port = _free_port()
    unsafe = ["--maxmemory-policy", "allkeys-lru", "--save", "3600 1", "--appendonly", "no"]
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", str(tmp_path), *unsafe],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)
        yield url
    finally:
        client.close()
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)


def test_an_evicting_persisting_transit_redis_is_named_at_start_up(
    unsafe_redis: str, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.TRANSIT_REDIS_URL = unsafe_redis
    caplog.set_level(logging.WARNING, logger="extraction.batches.transit")
    problems = transit.transit_store_check()
    assert any("allkeys-lru" in p for p in problems), problems
    assert any("disk" in p for p in problems), problems
    transit.transit_store_warn()
    messages = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("allkeys-lru" in m for m in messages) and any("disk" in m for m in messages)


def test_a_safe_transit_redis_gives_no_warning(settings: Any) -> None:
    client = redis.Redis.from_url(settings.TRANSIT_REDIS_URL)
    try:
        policy = client.config_get("maxmemory-policy")["maxmemory-policy"]
        save, aof = client.config_get("save")["save"], client.config_get("appendonly")["appendonly"]
    finally:
        client.close()
    if (policy, save, aof) != ("noeviction", "", "no"):
        pytest.skip(f"the test Redis itself is configured {policy}, save {save!r}, appendonly {aof}")
    assert transit.transit_store_check() == []


def test_the_web_process_warns_and_still_starts(unsafe_redis: str) -> None:
    env = {**PRODUCTION_ENV, "TRANSIT_REDIS_URL": unsafe_redis, "LOG_FORMAT": "plain"}
    result = run_python("import cfipros.wsgi; print('started')", env, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().endswith("started")
    assert "allkeys-lru" in result.stderr and "disk" in result.stderr


def test_a_worker_warns_when_it_starts(
    unsafe_redis: str, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    from cfipros import celery

    settings.TRANSIT_REDIS_URL = unsafe_redis
    caplog.set_level(logging.WARNING, logger="extraction.batches.transit")
    celery.check_transit_store(sender=None)
    assert any("allkeys-lru" in r.getMessage() for r in caplog.records)


# --- a cap on a user's bytes in flight ------------------------------------------------------------


def _batch(client: APIClient, sizes: list[int]) -> Any:
    files = [
        SimpleUploadedFile(f"s{i}.pdf", b"%PDF-1.4\n" + b"0" * (size - 9), content_type="application/pdf")
        for i, size in enumerate(sizes)
    ]
    return client.post("/api/v1/batches", {"files": files}, format="multipart")


@pytest.fixture
def transit_cap(settings: Any) -> Iterator[int]:
    settings.MAX_TRANSIT_BYTES_PER_USER = 3 * MB
    yield 3 * MB
    for file in BatchFile.objects.all():
        transit.discard(file.id)


@pytest.mark.django_db
def test_bytes_in_flight_beyond_the_users_cap_are_429(transit_cap: int, instructor: User) -> None:
    client = client_for(instructor)
    assert _batch(client, [MB, MB]).status_code == 202  # 2 MB waiting for a worker

    refused = _batch(client, [MB, MB])

    assert refused.status_code == 429, refused.content[:300]
    assert refused["Content-Type"] == PROBLEM
    problem = refused.json()
    assert problem["code"] == "transit_quota"
    assert "3 MB" in problem["detail"]
    assert int(refused["Retry-After"]) > 0
    assert BatchFile.objects.filter(batch__owner=instructor).count() == 2  # nothing of it stored


@pytest.mark.django_db
def test_the_cap_is_per_user_and_frees_up_as_files_finish(transit_cap: int, instructor: User) -> None:
    client = client_for(instructor)
    assert _batch(client, [2 * MB]).status_code == 202
    other_cfi = UserFactory(role=User.Role.CFI, clerk_plan="cfi")
    assert _batch(client_for(other_cfi), [2 * MB]).status_code == 202
    assert _batch(client, [2 * MB]).status_code == 429
    BatchFile.objects.filter(batch__owner=instructor).update(status=BatchFile.Status.SUCCEEDED)
    assert _batch(client, [2 * MB]).status_code == 202


@pytest.mark.django_db
def test_files_past_the_transit_ttl_no_longer_count(transit_cap: int, instructor: User) -> None:
    from datetime import timedelta

    from django.utils import timezone

    client = client_for(instructor)
    assert _batch(client, [2 * MB]).status_code == 202
    expired = timezone.now() - timedelta(seconds=settings.BATCH_TRANSIT_TTL_SECONDS + 1)
    BatchFile.objects.filter(batch__owner=instructor).update(created_at=expired)
    assert _batch(client, [2 * MB]).status_code == 202


# --- one copy of the upload in web memory --------------------------------------------------------------


def _peak_while(call: Callable[[], Any]) -> int:
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before, _ = tracemalloc.get_traced_memory()
        call()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak - before


def _batch_request(user: User, sizes: list[int]) -> Any:
    files = [
        SimpleUploadedFile(
            f"s{i}.pdf", b"%PDF-1.4\n" + bytes([65 + i]) * (size - 9), content_type="application/pdf"
        )
        for i, size in enumerate(sizes)
    ]
    request = APIRequestFactory().post("/api/v1/batches", {"files": files}, format="multipart")
    force_authenticate(request, user=user)
    return request


@pytest.mark.django_db
def test_the_upload_is_not_copied_on_its_way_to_transit(instructor: User) -> None:
    """The multipart parser holds each file once; handing it to Redis must not add a second copy."""
    from extraction.api.batches.views import BatchViewSet

    view = BatchViewSet.as_view({"post": "create"})
    warm_up = view(_batch_request(instructor, [1024]))  # modules a first request imports
    total = 12 * MB
    request = _batch_request(instructor, [total // 4] * 4)
    responses: list[Any] = []

    peak = _peak_while(lambda: responses.append(view(request)))

    for response in (warm_up, *responses):
        assert response.status_code == 202, response.data
        for file in BatchFile.objects.filter(batch_id=response.data["id"]):
            assert transit.get(file.id) is not None
            transit.discard(file.id)
    # One copy is the parsed upload itself; a second would take the peak past 2x.
    assert peak < 1.5 * total, f"{peak / MB:.1f} MB at peak for {total / MB:.0f} MB uploaded"
