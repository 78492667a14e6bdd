"""The Celery application; tasks are discovered in every installed app's ``tasks`` module.

Started as ``celery -A cfipros worker`` or ``beat``, this module is the entry point and chooses
production settings unless ``DJANGO_SETTINGS_MODULE`` names others, so a worker without its
configuration refuses to start (``cfipros.settings.production``). In the web process Django has
chosen already, and ``cfipros.apps`` imports this module once it is set up.

Workers log through Django's ``LOGGING``: the ``setup_logging`` receiver stops Celery from
installing handlers of its own, so worker lines are redacted and carry the task id and name,
and the request id of the API call that queued the task.
"""

import logging.config
import os
from typing import Any

from celery import Celery, Task
from celery.signals import before_task_publish, setup_logging, task_postrun, task_prerun, worker_init

from cfipros.request_id import bind_request_id, current_request_id

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cfipros.settings.production")

app = Celery("cfipros")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

REQUEST_ID_HEADER = "request_id"
_unbind: dict[str, Any] = {}


@setup_logging.connect
def configure_worker_logging(**kwargs: Any) -> None:
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


@worker_init.connect
def check_transit_store(**kwargs: Any) -> None:
    """A worker reads batch files from the transit Redis: warn when it would evict or persist them."""
    from extraction.batches.transit import transit_store_warn

    transit_store_warn()


@before_task_publish.connect
def carry_request_id(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    """Send the id of the request that queues a task along with the task's message."""
    request_id = current_request_id()
    if headers is not None and request_id:
        headers.setdefault(REQUEST_ID_HEADER, request_id)


@task_prerun.connect
def bind_task_request_id(task_id: str, task: Task, **kwargs: Any) -> None:
    # A worker puts custom message headers on the request itself; an eager ``apply`` keeps them
    # under ``headers``.
    request_id = getattr(task.request, REQUEST_ID_HEADER, None) or (task.request.headers or {}).get(
        REQUEST_ID_HEADER
    )
    if isinstance(request_id, str) and request_id:
        _unbind[task_id] = bind_request_id(request_id)


@task_postrun.connect
def unbind_task_request_id(task_id: str, **kwargs: Any) -> None:
    unbind = _unbind.pop(task_id, None)
    if unbind is not None:
        unbind()
