"""The event types an endpoint may subscribe to, and what their ``data`` carries.

``data`` holds ids, counts, statuses and ACS codes only: never uploaded bytes, file names, person
names or exam ids, so a receiver holds nothing personal that CFIPros would have to chase on erasure.
"""

from __future__ import annotations

BATCH_COMPLETED = "batch.completed"
BATCH_FILE_PROCESSED = "batch.file_processed"
REPORT_CREATED = "report.created"
STUDY_PLAN_CREATED = "study_plan.created"
PING = "ping"

# What an endpoint may subscribe to; ``ping`` is sent on request only, to any endpoint.
EVENT_TYPES = (BATCH_COMPLETED, BATCH_FILE_PROCESSED, REPORT_CREATED, STUDY_PLAN_CREATED)
