"""The change log and optimistic concurrency: no change without a trace, no silent overwrite."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from poam.web.workbench.assessment import assess_snapshot
from poam.web.workbench.history import Actor, Conflict
from poam.web.workbench.models import (
    AppendOnlyError,
    Change,
    DueDateMove,
    Entry,
    EntryMilestone,
)
from poam.web.workbench.seam import read
from poam.web.workbench.services import entries as entry_service
from poam.web.workbench.services import ssp as ssp_service
from tests.web.conftest import AS_OF


def _entry(world: Any, item_id: str) -> Entry:
    return Entry.objects.get(poam__system=world.system, item_id=item_id, deleted_at=None)


def test_every_field_change_is_logged_with_old_new_who_and_why(world: Any) -> None:
    editor = Actor.of(world.users["editor"])
    entry = _entry(world, "POAM-004")
    entry_service.update_entry(
        editor,
        entry,
        {"owner": "Dana Lee, Facilities Manager", "status": "in-progress"},
        version=entry.version,
        today=AS_OF,
        reason="Owner named at the review",
    )
    rows = {
        c.field: c
        for c in Change.objects.filter(object_type="entry", object_id=entry.pk, action="update")
    }
    assert (
        rows["owner"].old == "IT Department" and rows["owner"].new == "Dana Lee, Facilities Manager"
    )
    assert rows["status"].old == "not-started" and rows["status"].new == "in-progress"
    assert {c.reason for c in rows.values()} == {"Owner named at the review"}
    assert {c.user_id for c in rows.values()} == {world.users["editor"].pk}
    entry.refresh_from_db()
    assert entry.version == 2 and entry.updated == AS_OF


def test_the_second_save_on_a_stale_version_is_refused_showing_the_first(world: Any) -> None:
    entry = _entry(world, "POAM-004")
    opened = entry.version  # both people opened the entry at this version
    entry_service.update_entry(
        Actor.of(world.users["editor"]),
        entry,
        {"owner": "Dana Lee, Facilities Manager"},
        version=opened,
        today=AS_OF,
    )
    with pytest.raises(Conflict) as refused:
        entry_service.update_entry(
            Actor.of(world.users["administrator"]),
            entry,
            {"owner": "Someone Else, ISSO"},
            version=opened,
            today=AS_OF,
        )
    message = refused.value.message
    assert "Editor Person" in message and "Dana Lee, Facilities Manager" in message
    assert "not saved" in message
    entry.refresh_from_db()
    assert entry.owner == "Dana Lee, Facilities Manager"


def test_moving_a_milestone_needs_a_justification_and_reaches_the_core(world: Any) -> None:
    entry = _entry(world, "POAM-004")
    milestone = EntryMilestone.objects.filter(entry=entry).order_by("position").first()
    assert milestone is not None and milestone.due is not None
    owner = Actor.of(world.users["editor"])
    with pytest.raises(ValidationError) as missing:
        entry_service.move_milestone(
            owner, milestone, date(2027, 3, 1), "   ", version=milestone.version, today=AS_OF
        )
    assert "justification" in missing.value.message_dict
    assert not DueDateMove.objects.filter(milestone=milestone).exists()
    old_due = milestone.due
    for n, day in enumerate((date(2027, 3, 1), date(2027, 4, 1), date(2027, 5, 3))):
        milestone.refresh_from_db()
        entry_service.move_milestone(
            owner,
            milestone,
            day,
            f"Vendor delay number {n + 1} confirmed in writing",
            version=milestone.version,
            today=AS_OF,
        )
    changes = list(DueDateMove.objects.filter(milestone=milestone).order_by("position"))
    assert [(c.from_date, c.to_date) for c in changes] == [
        (old_due, date(2027, 3, 1)),
        (date(2027, 3, 1), date(2027, 4, 1)),
        (date(2027, 4, 1), date(2027, 5, 3)),
    ]
    system = world.system
    system.refresh_from_db()
    findings = assess_snapshot(read.load(system), AS_OF).assessment.findings
    moved = [f for f in findings if f.code == "milestone-moved-repeatedly" and f.item == "POAM-004"]
    assert moved, "the core sees the moves recorded by the web application"
    assert not [
        f
        for f in findings
        if f.code == "milestone-moved-without-justification" and f.item == "POAM-004"
    ]


def test_a_due_date_cannot_be_moved_through_a_plain_edit(world: Any) -> None:
    milestone = EntryMilestone.objects.filter(
        entry=_entry(world, "POAM-004"), due__isnull=False
    ).first()
    assert milestone is not None
    with pytest.raises(ValidationError, match="justification"):
        entry_service.update_milestone(
            Actor.of(world.users["editor"]),
            milestone,
            {"due": "2030-01-01"},
            version=milestone.version,
        )


def test_the_change_log_is_append_only(world: Any) -> None:
    change = Change.objects.filter(system=world.system).first()
    assert change is not None
    change.reason = "rewritten"
    with pytest.raises(AppendOnlyError):
        change.save()
    with pytest.raises(AppendOnlyError):
        change.delete()
    with pytest.raises(AppendOnlyError):
        Change.objects.filter(pk=change.pk).update(reason="x")
    with pytest.raises(AppendOnlyError):
        Change.objects.filter(pk=change.pk).delete()


def test_deleting_an_entry_keeps_it_and_logs_it(world: Any) -> None:
    entry = _entry(world, "POAM-004")
    entry_service.delete_entry(
        Actor.of(world.users["editor"]), entry, version=entry.version, reason="Duplicate"
    )
    entry.refresh_from_db()
    assert entry.deleted_at is not None
    assert Change.objects.filter(
        object_type="entry", object_id=entry.pk, action="delete", reason="Duplicate"
    ).exists()
    items = read.load(world.system).poam("internal").items  # type: ignore[union-attr]
    assert "POAM-004" not in {item.id for item in items}


def test_requirement_record_created_then_updated_with_versions(world: Any) -> None:
    editor = Actor.of(world.users["editor"])
    system = world.system
    record, _ = ssp_service.update_requirement(
        editor,
        system,
        "IA.L2-3.5.3",
        {"mfa": "all", "status": "implemented"},
        version=system.requirements.get(requirement="3.5.3").version,
    )
    assert record.mfa == "all" and record.version == 2
    with pytest.raises(ValidationError, match=r"mfa applies only to IA\.L2-3\.5\.3"):
        ssp_service.update_requirement(editor, system, "3.1.1", {"mfa": "all"}, version=1)
    with pytest.raises(ValidationError, match="has no objective 'z'"):
        ssp_service.update_requirement(
            editor, system, "3.1.1", {"objectives": {"z": "met"}}, version=1
        )
    with pytest.raises(Conflict):
        ssp_service.update_requirement(editor, system, "3.5.3", {"narrative": "x"}, version=1)
