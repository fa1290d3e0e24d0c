"""The import size limit, enforced while the upload arrives (issue 8).

Django stores an uploaded file (in memory, or on disk past 2.5 MB) before any view runs; for
an import, :class:`ImportLimitMiddleware` puts :class:`ImportLimitHandler` first in the
request's upload handlers, so that a file past ``POAM_MAX_IMPORT_MB`` is skipped as it streams
in (never stored, never parsed) and its name recorded; the page or the API then answers 413
naming it. The middleware only touches the import URLs of the pages and the API.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest, HttpResponse

IMPORT_PATHS = re.compile(r"^/(?:api/)?systems/\d+/import/?$")
REFUSED = "poam_import_refused"
"""The request attribute listing the files refused for their size: (file name, bytes seen)."""


def refused(request: HttpRequest) -> list[tuple[str, int]]:
    return list(getattr(request, REFUSED, []))


class ImportLimitHandler(FileUploadHandler):
    """Counts each file's bytes as they arrive; a file past the limit is skipped and named."""

    def __init__(self, request: HttpRequest | None = None, limit: int = 0) -> None:
        super().__init__(request)
        self.limit = limit or int(settings.POAM_MAX_IMPORT_BYTES)
        self.seen = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.seen = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.seen += len(raw_data)
        if self.seen > self.limit:
            if self.request is not None:
                getattr(self.request, REFUSED).append((self.file_name or "file", self.seen))
            raise SkipFile(f"{self.file_name}: larger than the import limit")
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler (memory or temporary file) makes the file


class ImportLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and IMPORT_PATHS.match(request.path_info):
            setattr(request, REFUSED, [])
            request.upload_handlers.insert(0, ImportLimitHandler(request))
        return self.get_response(request)
