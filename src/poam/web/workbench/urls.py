"""The pages. Every view finds its object through ``tenancy`` (404 for other tenants)."""

from __future__ import annotations

from django.urls import path

from poam.web.workbench.views import (
    assessor,
    entry,
    imports,
    organization_data,
    poam,
    portfolio,
    reminders,
    ssp,
    status,
    system,
)

urlpatterns = [
    path("", portfolio.portfolio, name="portfolio"),
    path("orgs/new/", portfolio.create_organization, name="org-create"),
    path("orgs/<slug:slug>/", portfolio.organization, name="organization"),
    path("orgs/<slug:slug>/systems/new/", portfolio.create_system, name="system-create"),
    path("orgs/<slug:slug>/members/<int:member>/", portfolio.change_member, name="member-change"),
    path("orgs/<slug:slug>/export/", organization_data.export_organization, name="org-export"),
    path("orgs/<slug:slug>/delete/", organization_data.delete_organization, name="org-delete"),
    path("systems/<int:pk>/", system.dashboard, name="dashboard"),
    path("systems/<int:pk>/findings/", system.findings, name="findings"),
    path("systems/<int:pk>/history/", system.history_page, name="history"),
    path("systems/<int:pk>/status/", status.status_page, name="status"),
    path("systems/<int:pk>/status/assessments/new/", status.assessment_add, name="assessment-add"),
    path(
        "systems/<int:pk>/status/assessments/<int:index>/",
        status.assessment_edit,
        name="assessment-edit",
    ),
    path(
        "systems/<int:pk>/status/affirmations/new/", status.affirmation_add, name="affirmation-add"
    ),
    path(
        "systems/<int:pk>/status/affirmations/<int:index>/remove/",
        status.affirmation_remove,
        name="affirmation-remove",
    ),
    path("systems/<int:pk>/ssp/", ssp.ssp, name="ssp"),
    path("systems/<int:pk>/ssp/info/", ssp.system_info, name="system-info"),
    path("systems/<int:pk>/ssp/<str:nist_id>/", ssp.requirement, name="requirement"),
    path("systems/<int:pk>/poam/", poam.poam, name="poam"),
    path("systems/<int:pk>/poam/new/", poam.create_poam, name="poam-create"),
    path("systems/<int:pk>/assessor/", assessor.assessor, name="assessor"),
    path("systems/<int:pk>/export/<slug:key>/", assessor.export, name="export"),
    path("systems/<int:pk>/comment/", assessor.system_comment, name="system-comment"),
    path("systems/<int:pk>/import/", imports.upload, name="import"),
    path("systems/<int:pk>/import/<str:token>/", imports.preview, name="import-preview"),
    path("poams/<int:pk>/entries/new/", poam.new_entry, name="entry-new"),
    path("poams/<int:pk>/settings/", poam.poam_settings, name="poam-settings"),
    path("poams/<int:pk>/review/", system.review, name="review"),
    path("entries/<int:pk>/", entry.entry_page, name="entry"),
    path("entries/<int:pk>/edit/", entry.entry_edit, name="entry-edit"),
    path("entries/<int:pk>/delete/", entry.entry_delete, name="entry-delete"),
    path("entries/<int:pk>/milestones/new/", entry.milestone_add, name="milestone-add"),
    path("entries/<int:pk>/evidence/new/", entry.evidence_add, name="evidence-add"),
    path("entries/<int:pk>/comment/", entry.comment, name="entry-comment"),
    path("milestones/<int:pk>/edit/", entry.milestone_edit, name="milestone-edit"),
    path("milestones/<int:pk>/move/", entry.milestone_move, name="milestone-move"),
    path("milestones/<int:pk>/delete/", entry.milestone_delete, name="milestone-delete"),
    path("evidence/<int:pk>/file/", entry.evidence_download, name="evidence-download"),
    path("evidence/<int:pk>/attach/", entry.evidence_attach, name="evidence-attach"),
    path("evidence/<int:pk>/delete/", entry.evidence_delete, name="evidence-delete"),
    path("reminders/", reminders.reminder_settings, name="reminders"),
    path("reminders/feed/new/", reminders.reminder_feed_new, name="reminder-feed-new"),
    path("reminders/feed/remove/", reminders.reminder_feed_remove, name="reminder-feed-remove"),
    path("reminders/feed/<str:token>.ics", reminders.reminder_feed, name="reminder-feed"),
]
