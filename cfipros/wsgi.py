"""WSGI entry point for gunicorn: production settings unless ``DJANGO_SETTINGS_MODULE`` names others.

Production settings refuse to load without their essentials (``cfipros.settings.production``).
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cfipros.settings.production")

application = get_wsgi_application()


def _warm_up() -> None:
    """Build the extraction catalogue now, in each worker, so no request pays for it, and say
    whether the transit Redis is fit for documents (a warning, not a refusal).

    Any connection opened for it is closed again: under ``gunicorn --preload`` this runs in the
    master, and workers must not inherit its socket.
    """
    from django.db import connections

    from extraction.adapter.extract import get_catalog
    from extraction.batches.transit import transit_store_warn

    get_catalog()
    transit_store_warn()
    connections.close_all()


_warm_up()
