"""The bounded fuzz of ``make test``: schemathesis over the contract, every check, a fixed seed.

Every phase runs once (examples, coverage, fuzzing, stateful), bounded by the number of examples
rather than by time, so the seed replays the same requests; about a minute on an idle machine.
docs/api.md says how to run longer and with other seeds.
"""

from __future__ import annotations

import os

import pytest

from tests.contract.fuzzing import FuzzTarget, fuzz

SEED = int(os.environ.get("CONTRACT_FUZZ_SEED", "20261010"))
MAX_EXAMPLES = int(os.environ.get("CONTRACT_FUZZ_EXAMPLES", "25"))
MAX_SECONDS = int(os.environ.get("CONTRACT_FUZZ_SECONDS", "0")) or None
# Accepting a Clerk webhook takes a Svix signature over the body, which a fuzzer cannot make;
# tests/accounts/test_webhooks.py covers its successes.
NEVER_SUCCEEDS = {"POST /api/v1/webhooks/clerk"}


@pytest.mark.timeout((MAX_SECONDS or 240) + 120)
def test_fuzz_finds_no_failure(fuzz_target: FuzzTarget) -> None:
    outcome = fuzz(fuzz_target, seed=SEED, max_examples=MAX_EXAMPLES, max_seconds=MAX_SECONDS)
    print(outcome.summary())
    assert not outcome.failures and not outcome.errors, outcome.summary()
    assert outcome.exercised == outcome.operations, outcome.summary()
    assert outcome.unanswered() <= NEVER_SUCCEEDS, outcome.summary()
    assert outcome.stop_reason in ("completed", "max_time"), outcome.summary()
