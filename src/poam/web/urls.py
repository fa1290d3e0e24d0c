"""URLs: the accounts' pages (``accounts.urls``), the workbench's (``workbench.urls``) and the
API under ``/api``."""

from __future__ import annotations

from django.urls import include, path

from poam.web.api.routes import api

urlpatterns = [
    path("api/", api.urls),
    path("", include("poam.web.accounts.urls")),
    path("", include("poam.web.workbench.urls")),
]
