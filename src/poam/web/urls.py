"""URLs: the pages (``workbench.urls``) and the API under ``/api``."""

from __future__ import annotations

from django.urls import include, path

urlpatterns = [
    path("", include("poam.web.workbench.urls")),
]
