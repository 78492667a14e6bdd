"""Content negotiation for endpoints whose ``?format=`` names a file format, not a DRF renderer."""

from __future__ import annotations

from collections.abc import Iterable

from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request


class JSONOnlyNegotiation(DefaultContentNegotiation):
    """Always the first renderer (JSON) for API payloads and errors, whatever ``?format=`` says.

    DRF would read ``?format=csv`` as a renderer it does not have and answer 404; these views read
    the parameter themselves and build the file response, so errors stay problem+json.
    """

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, str(renderer.media_type)
