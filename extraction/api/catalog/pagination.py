"""Pages of the catalogue: a search's count and page in one query.

A search that no copy answers yet costs its round trips to the database more than its execution
(about a millisecond each on the trigram bitmap), so its count rides on the page as
``COUNT(*) OVER ()``. Only for a search: over the whole catalogue the window would make
PostgreSQL read all 15,443 rows for a page the prefix index serves alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Count, QuerySet, Window
from rest_framework.request import Request
from rest_framework.views import APIView

from cfipros.api.pagination import LimitOffsetPagination
from extraction.catalog.selectors import acs_elements_searched


class CatalogPagination(LimitOffsetPagination):
    def paginate_queryset(
        self, queryset: QuerySet[Any, Any] | Sequence[Any], request: Request, view: APIView | None = None
    ) -> list[Any] | None:
        if not isinstance(queryset, QuerySet) or not acs_elements_searched(queryset):
            return super().paginate_queryset(queryset, request, view)
        self.request = request
        self.limit = self.get_limit(request)
        if self.limit is None:
            return None
        self.offset = self.get_offset(request)
        rows = list(queryset.annotate(full_count=Window(Count("*")))[self.offset : self.offset + self.limit])
        # A page past the end has no row to carry the count: ask for it alone.
        self.count = rows[0].full_count if rows else (self.get_count(queryset) if self.offset else 0)
        if self.count > self.limit and self.template is not None:
            self.display_page_controls = True
        return rows
