"""CFIPros project package: settings, root URLs, the Celery application and operations glue.

Importing it chooses no settings: each entry point does (``manage.py``: local; WSGI, ASGI and
the Celery app: production).
"""
