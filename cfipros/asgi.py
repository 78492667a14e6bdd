"""ASGI entry point: production settings unless ``DJANGO_SETTINGS_MODULE`` names others.

Bodies are capped as the WSGI middleware caps them, but counted while they arrive: Django's ASGI
handler reads a whole body before any middleware runs (``cfipros.body_limits``).
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cfipros.settings.production")

from cfipros.body_limits import BodyLimitASGIMiddleware

application = BodyLimitASGIMiddleware(get_asgi_application())
