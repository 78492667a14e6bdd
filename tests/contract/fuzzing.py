"""Schemathesis over ``contracts/openapi.yaml``, in-process against the WSGI app, every check on.

:func:`fuzz` runs the same engine as ``schemathesis run`` (examples, coverage, fuzzing and
stateful phases) and returns what it found: the operations it exercised, the statuses each
answered, the unique failures and the errors. The bounded run of ``make test`` and the long run of
docs/api.md both go through it. Without ``max_seconds`` every phase runs once, bounded by
``max_examples``, and a seed replays it exactly; with it, fuzzing and stateful testing go round
again until the time is spent.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
import schemathesis
from django.db import connections
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig
from schemathesis.core.parameters import ParameterLocation
from schemathesis.engine import events, from_schema
from schemathesis.hooks import GLOBAL_HOOK_DISPATCHER
from schemathesis.transport.requests import REQUESTS_TRANSPORT
from schemathesis.transport.serialization import Binary
from schemathesis.transport.wsgi import WSGI_TRANSPORT

CONTRACT = Path(__file__).resolve().parents[2] / "contracts" / "openapi.yaml"


# What counts as refusing a request the contract forbids: schemathesis's own list, plus the two
# statuses the API refuses by size before reading what was sent: 413 (more files or form fields
# than a request may carry, a body past its cap) and 414 (a URL past what the API reads).
NEGATIVE_DATA_REJECTED_WITH = [
    *("400", "401", "403", "404", "405", "406", "409", "415", "422", "428", "429", "5xx"),
    *("413", "414"),
]


# What counts as accepting a request the contract allows: schemathesis's own list, plus 410, which
# like 404 says the object named is not there (it was, and is no more: an invitation already
# answered, a share link expired), not that the request was wrong.
POSITIVE_DATA_ACCEPTED_WITH = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx", "410"]


@dataclass
class FuzzOutcome:
    """What one run saw: every failure is a (operation, check, title) triple, counted once."""

    operations: set[str]
    exercised: set[str] = field(default_factory=set)
    statuses: dict[str, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))
    failures: dict[tuple[str, str, str], str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    requests: int = 0
    stop_reason: str = ""
    seconds: float = 0.0

    def unanswered(self) -> set[str]:
        """Operations that never answered a request of theirs with a 2xx."""
        return {
            label
            for label in self.operations
            if not any(200 <= status < 300 for status in self.statuses[label])
        }

    def summary(self) -> str:
        lines = [
            f"{len(self.exercised)}/{len(self.operations)} operations, {self.requests} requests, "
            f"{len(self.failures)} unique failures, {len(self.errors)} errors, "
            f"{self.seconds:.0f} s ({self.stop_reason})"
        ]
        for label in sorted(self.operations):
            seen = ", ".join(f"{code}x{n}" for code, n in sorted(self.statuses[label].items()))
            lines.append(f"  {label}: {seen or 'not exercised'}")
        for (label, check, title), example in sorted(self.failures.items()):
            lines.append(f"FAILURE {label} [{check}] {title}\n{example}")
        lines.extend(f"ERROR {error}" for error in self.errors)
        return "\n".join(lines)


@dataclass(frozen=True)
class FuzzTarget:
    """The app under test, who calls it and what real objects exist.

    ``path_values`` maps a path parameter name to values of real objects; the fuzzer uses them
    beside its own, so detail routes reach stored objects and not only 404s. ``body_values`` does
    the same for body properties (every other valid body names real reports). ``documents`` are
    files the upload fields send when a request must be valid (random bytes are not a report).
    ``tokens`` signs in another user for the operations it names, such as the one that erases
    the caller, so the rest of the run keeps its user.
    """

    app: Callable[..., Any]
    token: str
    path_values: dict[str, list[Any]]
    body_values: dict[str, Any]
    documents: list[bytes]
    tokens: dict[str, str] = field(default_factory=dict)


def fuzz(
    target: FuzzTarget,
    *,
    seed: int,
    max_examples: int,
    max_seconds: int | None,
    phases: Iterable[str] = ("examples", "coverage", "fuzzing", "stateful"),
    operation_ids: Iterable[str] | None = None,
) -> FuzzOutcome:
    config = SchemathesisConfig.from_dict(
        {
            "seed": seed,
            **({"max-time": max_seconds} if max_seconds else {}),
            "workers": 1,
            "checks": {
                "enabled": True,
                "negative_data_rejection": {"expected-statuses": NEGATIVE_DATA_REJECTED_WITH},
                "positive_data_acceptance": {"expected-statuses": POSITIVE_DATA_ACCEPTED_WITH},
            },
            "generation": {
                "mode": "all",
                "max-examples": max_examples,
                "database": "none",
                "with-security-parameters": False,
            },
            "phases": {
                name: {"enabled": name in set(phases)}
                for name in ("examples", "coverage", "fuzzing", "stateful")
            },
            "auth": {"openapi": {"bearerAuth": {"bearer": target.token}}},
            "cache": {"enabled": False},
            "output": {"sanitization": {"enabled": False}},
        }
    )
    schema = schemathesis.openapi.from_path(CONTRACT, config=config)
    if operation_ids is not None:
        schema = schema.include(operation_id=list(operation_ids))
    schema.app = _closing(target.app)
    _install_hooks(schema, target)
    outcome = FuzzOutcome(operations={op.ok().label for op in schema.get_all_operations()})
    with _werkzeug_workarounds(), _signed_in_as(target.tokens):
        for event in from_schema(schema).execute():
            _record(outcome, event)
    outcome.failures = {key: text.replace(target.token, "<token>") for key, text in outcome.failures.items()}
    return outcome


def _multipart_serializer(transport: Any) -> Any:
    found = transport.get_first_matching_media_type("multipart/form-data")
    return None if found is None else found[1]


@contextmanager
def _werkzeug_workarounds() -> Iterator[None]:
    """Two quirks of schemathesis 4.32's in-process transport, undone for the length of a run.

    - The probe of the ``ignored_auth`` check hands the WSGI transport the socket options of a
      network session (``max_redirects``...), which werkzeug's test client refuses; in-process they
      mean nothing, so they are dropped.
    - werkzeug's multipart encoder leaves out the line break that ends an empty file part, so
      Django's parser drops such a file and a request of 31 files arrives with fewer; bodies are
      encoded by requests instead, as they would be over the network.
    """
    send = WSGI_TRANSPORT.send
    werkzeug_multipart = _multipart_serializer(WSGI_TRANSPORT)
    requests_multipart = _multipart_serializer(REQUESTS_TRANSPORT)

    def send_in_process(case: Any, **kwargs: Any) -> Any:
        for name in ("max_redirects", "verify", "cert", "proxies"):
            kwargs.pop(name, None)
        return send(case, **kwargs)

    def multipart(ctx: Any, value: Any) -> dict[str, Any]:
        assert requests_multipart is not None
        fields = requests_multipart(ctx, value)
        prepared = requests.Request("POST", "http://localhost/", **fields).prepare()
        return {"data": prepared.body, "content_type": prepared.headers["Content-Type"]}

    WSGI_TRANSPORT.send = send_in_process  # type: ignore[method-assign]
    WSGI_TRANSPORT.serializer("multipart/form-data")(multipart)
    try:
        yield
    finally:
        del WSGI_TRANSPORT.send
        if werkzeug_multipart is not None:
            WSGI_TRANSPORT.serializer("multipart/form-data")(werkzeug_multipart)


@contextmanager
def _signed_in_as(tokens: dict[str, str]) -> Iterator[None]:
    """Requests to the operations named in ``tokens`` carry that token instead of the run's.
    ``before_call`` is a global hook in schemathesis, so it is removed once the run is over."""

    def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
        token = tokens.get(case.operation.label)
        if token is not None and case.headers and "Authorization" in case.headers:
            case.headers["Authorization"] = f"Bearer {token}"

    schemathesis.hook(before_call)
    try:
        yield
    finally:
        GLOBAL_HOOK_DISPATCHER.unregister(before_call)


def _closing(app: Callable[..., Any]) -> Callable[..., Any]:
    """The app, closing each request's database connection: the fuzzer's threads never outlive
    their requests, so nothing else would, and the test database could not be dropped."""

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        response = app(environ, start_response)
        try:
            return list(response)
        finally:
            close = getattr(response, "close", None)
            if close is not None:
                close()
            connections.close_all()

    return wsgi


def _install_hooks(schema: Any, target: FuzzTarget) -> None:
    @schema.hook
    def before_generate_path_parameters(context: Any, strategy: Any) -> Any:
        """Real objects beside random ids, so detail routes answer 200 too."""
        names = {p.name for p in context.operation.path_parameters}
        known = {name: target.path_values[name] for name in names if name in target.path_values}
        if not known or len(known) != len(names):
            return strategy
        real = st.fixed_dictionaries({name: st.sampled_from(values) for name, values in known.items()})
        return st.one_of(strategy, real)

    @schema.hook
    def map_case(context: Any, case: Any) -> Any:
        """A valid upload carries a report: random bytes are valid by the contract but no AKTR."""
        body = case.body
        meta = case.meta
        if not isinstance(body, dict) or meta is None:
            return case
        info = meta.components.get(ParameterLocation.BODY)
        if info is None or info.mode != GenerationMode.POSITIVE:
            return case
        for name, value in target.body_values.items():
            if name in body and len(repr(body[name])) % 2 == 0:
                body[name] = value
        documents = [Binary(document) for document in target.documents]
        for name, value in body.items():
            if isinstance(value, Binary):
                body[name] = documents[0]
            elif isinstance(value, list) and value and all(isinstance(v, Binary) for v in value):
                body[name] = [documents[i % len(documents)] for i in range(len(value))]
        return case


def _record(outcome: FuzzOutcome, event: Any) -> None:
    if isinstance(event, events.ScenarioFinished):
        recorder = event.recorder
        for case_id, interaction in recorder.interactions.items():
            node = recorder.cases.get(case_id)
            if node is None or interaction.response is None:
                continue
            label = node.value.operation.label
            outcome.exercised.add(label)
            outcome.requests += 1
            # Checks also send other methods (405) and probes; only the operation's own count.
            if interaction.request.method.upper() == node.value.method.upper():
                outcome.statuses[label][interaction.response.status_code] += 1
        for case_id, checks in recorder.checks.items():
            for check in checks:
                if check.failure_info is None:
                    continue
                failure = check.failure_info.failure
                label = failure.operation or event.label or "?"
                key = (label, check.name, failure.title)
                interaction = recorder.interactions.get(case_id)
                status = interaction.response.status_code if interaction and interaction.response else None
                detail = f"status {status}: {failure.message}\n{check.failure_info.code_sample}"
                outcome.failures.setdefault(key, detail)
    elif isinstance(event, events.NonFatalError):
        traceback = f"\n{event.info.traceback}" if os.environ.get("CONTRACT_FUZZ_TRACEBACKS") else ""
        outcome.errors.append(f"{event.label}: {event.info.message}{traceback}")
    elif isinstance(event, events.FatalError):
        outcome.errors.append(f"fatal: {event.exception!r}")
    elif isinstance(event, events.EngineFinished):
        outcome.stop_reason = str(event.stop_reason)
        outcome.seconds = event.running_time
        for failure in event.failures:
            outcome.failures.setdefault(
                (failure.operation or "run", "after_run", failure.title), failure.message
            )
