"""The document ``GET /openapi.json`` serves, as JSON bytes, kept per configuration and app.

Building it takes tens of milliseconds and gives hundreds of kilobytes, so it is built once for
each app (or once whole) and kept until a configuration generation with another
:class:`~gateway.config.Config` asks for it: a reload may change an app's functions or rules,
and the document then follows at once. Only the newest configuration's documents are kept.
"""

from __future__ import annotations

from .catalog import AGENT_CATALOG, CATALOG
from .config import AppConfig, Config
from .jsonenc import dumps
from .openapi import openapi_document


class OpenAPICache:
    def __init__(self) -> None:
        self._config: Config | None = None
        self._documents: dict[str | None, bytes] = {}
        self.builds = 0  # documents built (tests and curious operators)

    def document(self, config: Config, app: AppConfig | None) -> bytes:
        """The document for ``app`` (None: the whole one) under ``config``, as JSON bytes."""
        if config is not self._config:
            self._config, self._documents = config, {}
        key = None if app is None else app.name
        body = self._documents.get(key)
        if body is None:
            doc = openapi_document(CATALOG, app, AGENT_CATALOG)
            body = dumps(doc)
            self._documents[key] = body
            self.builds += 1
        return body
