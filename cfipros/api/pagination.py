"""Limit/offset pagination with a hard ceiling so no client can ask for an unbounded page."""

from rest_framework import pagination


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    default_limit = 50
    max_limit = 200
