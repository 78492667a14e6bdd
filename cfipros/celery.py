"""The Celery application; tasks are discovered in every installed app's ``tasks`` module.

Started as ``celery -A cfipros worker`` or ``beat``, this module is the entry point and chooses
production settings unless ``DJANGO_SETTINGS_MODULE`` names others, so a worker without its
configuration refuses to start (``cfipros.settings.production``). In the web process Django has
chosen already, and ``cfipros.apps`` imports this module once it is set up.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cfipros.settings.production")

app = Celery("cfipros")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
