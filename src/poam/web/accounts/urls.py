"""The accounts' pages: allauth's sign-in, password and MFA pages under ``/account/``, and
poam's own (security overview, API tokens, invitations, first-run setup)."""

from __future__ import annotations

from django.urls import include, path
from django.views.generic import RedirectView

from poam.web.accounts import views

urlpatterns = [
    # the old addresses, kept for bookmarks
    path(
        "login/",
        RedirectView.as_view(pattern_name="account_login", query_string=True),
        name="login",
    ),
    path("account/security/", views.security, name="account-security"),
    path("account/tokens/", views.tokens, name="tokens"),
    path("account/tokens/new/", views.token_create, name="token-create"),
    path("account/tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
    path("account/", include("allauth.account.urls")),
    path("account/2fa/", include("allauth.mfa.urls")),
    path("setup/", views.setup, name="setup"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("orgs/<slug:slug>/invitations/new/", views.invitation_create, name="invitation-create"),
    path(
        "orgs/<slug:slug>/invitations/<int:pk>/revoke/",
        views.invitation_revoke,
        name="invitation-revoke",
    ),
    path("orgs/<slug:slug>/security/", views.organization_security, name="org-security"),
    path("orgs/<slug:slug>/activity/", views.organization_activity, name="org-activity"),
]
