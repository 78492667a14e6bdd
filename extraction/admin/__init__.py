"""Django admin of the extraction app, one module per area: the catalogue, report review, batches.

Importing this package registers every screen (Django's admin autodiscovery imports it).
"""

from extraction.admin import batches, catalog, reports
from extraction.admin.reports import reports_with_reason

__all__ = ["batches", "catalog", "reports", "reports_with_reason"]
