"""Limit/offset pagination with a hard ceiling, strict about what it reads.

DRF's paginator quietly replaces a ``limit`` or ``offset`` it cannot use (``limit=abc``,
``limit=0``, ``offset=-1``, ``limit=1000``) with its default; here each is refused with 422 and
the contract states the bounds, so a client learns of its mistake instead of getting another page
than it asked for.
"""

from __future__ import annotations

import re
from typing import Any

from rest_framework import exceptions, pagination
from rest_framework.request import Request

_INTEGER = re.compile(r"-?[0-9]{1,19}")

# Past any real table and within every database's integer range.
MAX_OFFSET = 2**31 - 1


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    default_limit = 50
    max_limit = 200

    def get_limit(self, request: Request) -> int:
        value = _bounded(request, self.limit_query_param, 1, self.max_limit)
        return self.default_limit if value is None else value

    def get_offset(self, request: Request) -> int:
        value = _bounded(request, self.offset_query_param, 0, MAX_OFFSET)
        return 0 if value is None else value

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.limit_query_param,
                "required": False,
                "in": "query",
                "description": f"Results per page, 1 to {self.max_limit} (default {self.default_limit}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_limit},
            },
            {
                "name": self.offset_query_param,
                "required": False,
                "in": "query",
                "description": "How many results to skip (default 0).",
                "schema": {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET},
            },
        ]


def _bounded(request: Request, name: str, low: int, high: int) -> int | None:
    """The integer query parameter ``name`` within ``low..high``; None when absent; 422 otherwise."""
    values = request.query_params.getlist(name)
    if not values:
        return None
    raw = values[-1]
    if len(values) > 1 or not _INTEGER.fullmatch(raw) or not low <= int(raw) <= high:
        message = f"Give {name} once, as a whole number from {low} to {high}."
        raise exceptions.ValidationError({name: [message]})
    return int(raw)
