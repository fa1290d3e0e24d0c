"""URLs: the accounts' pages (``accounts.urls``), the workbench's (``workbench.urls``) and the
API under ``/api`` (``/api`` and ``/api/`` themselves lead to its documentation)."""

from __future__ import annotations

from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from poam.web.api.routes import api

API_DOCS = "/api/docs"

urlpatterns = [
    # unnamed: the API's index and the browsers' default icon are addresses, not pages
    path("api", RedirectView.as_view(url=API_DOCS)),
    path("api/", RedirectView.as_view(url=API_DOCS)),
    path("favicon.ico", RedirectView.as_view(url=static("poam/favicon.svg"), permanent=True)),
    path("api/", api.urls),
    path("", include("poam.web.accounts.urls")),
    path("", include("poam.web.workbench.urls")),
]
