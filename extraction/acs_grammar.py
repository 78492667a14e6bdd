"""The grammar of an ACS code such as ``PA.I.C.K2a``, in one place and free of Django.

The catalogue loader, the API filters, the batch summary and the study plan algorithm (plain
functions, no database) all read codes with it.
"""

from __future__ import annotations

import re

# The parts of a code that the API also accepts alone, as filters.
PREFIX_PATTERN = r"[A-Z]{2}"
AREA_PATTERN = r"[IVX]{1,4}"
TASK_PATTERN = r"[A-Z]"

ACS_CODE_RE = re.compile(
    rf"^(?P<prefix>{PREFIX_PATTERN})\.(?P<area>{AREA_PATTERN})\.(?P<task>{TASK_PATTERN})\."
    r"(?P<type>[KRS])(?P<number>\d{1,2})(?P<sub>[a-z]?)$"
)
