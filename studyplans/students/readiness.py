"""The readiness figure of a student, 0 to 100; the formula is described in docs/instructors.md."""

from __future__ import annotations

import datetime as dt

# Weights of the four parts; they sum to 1.
SCORE_WEIGHT = 0.4
AREAS_WEIGHT = 0.3
PLAN_WEIGHT = 0.2
EXPIRY_WEIGHT = 0.1
# Open deficient areas at which the areas part reaches 0.
AREAS_CEILING = 5
# Days left on the knowledge test at which the expiry part reaches 1.
EXPIRY_HORIZON_DAYS = 90


def readiness(
    *,
    score: int | None,
    open_areas: int,
    plan_percent: float | None,
    expires: dt.date | None,
    today: dt.date,
) -> int:
    """How ready a student is for the practical test, from their latest knowledge test.

    Nothing to go on (no score) or an expired test gives 0: the test must be passed (again) first.
    """
    if score is None or (expires is not None and expires < today):
        return 0
    score_part = max(0, min(score, 100)) / 100
    areas_part = 1 - min(open_areas, AREAS_CEILING) / AREAS_CEILING
    if plan_percent is None:
        plan_part = 1.0 if open_areas == 0 else 0.0
    else:
        plan_part = max(0.0, min(plan_percent, 100.0)) / 100
    expiry_part = (
        0.0 if expires is None else min((expires - today).days, EXPIRY_HORIZON_DAYS) / EXPIRY_HORIZON_DAYS
    )
    total = (
        SCORE_WEIGHT * score_part
        + AREAS_WEIGHT * areas_part
        + PLAN_WEIGHT * plan_part
        + EXPIRY_WEIGHT * expiry_part
    )
    return round(100 * total)
