# ruff: noqa: RUF012 -- Django reads a migration's dependencies and operations as lists
"""The security events move into the change log, where they are hash-chained and append-only in
the database (``poam.web.accounts.events``); their own table goes.

The events already recorded are appended to the chain in the order they were written, each
as the row :func:`poam.web.accounts.events.record` would write today.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.db import migrations

from poam.web.workbench.chain import FIELDS, GENESIS, link

RENAMED = {"recovery-codes-generated": "recovery-codes"}
UNPROVEN = {"login-failed", "mfa-failed", "backoff"}


def _label(person: Any) -> str:
    name = f"{person.first_name} {person.last_name}".strip()
    return str(name or person.username)[:200]


def move_events(apps: Any, schema_editor: Any) -> None:
    alias = schema_editor.connection.alias
    event = apps.get_model("poam_accounts", "SecurityEvent")
    change = apps.get_model("workbench", "Change")
    head_model = apps.get_model("workbench", "ChangeLogHead")
    events = event.objects.using(alias).select_related("user", "actor").order_by("id")
    if not events.exists():
        return
    head = head_model.objects.using(alias).select_for_update().filter(pk=1).first()
    if head is not None:
        seq, previous = head.seq, head.digest
    else:
        last = change.objects.using(alias).order_by("-seq").values_list("seq", "digest").first()
        seq, previous = last if last is not None else (0, GENESIS)
    rows = []
    for old in events.iterator(chunk_size=1000):
        cause = old.actor or (None if old.kind in UNPROVEN else old.user)
        values = dict(old.detail or {})
        if old.user_agent:
            values["agent"] = old.user_agent
        seq += 1
        row = change(
            seq=seq,
            organization_id=old.organization_id,
            system_id=None,
            object_type="user",
            object_id=old.user_id,
            object_label=old.username[:300],
            action=RENAMED.get(old.kind, old.kind)[:20],
            field="",
            old=None,
            new=json.dumps(values, sort_keys=True, ensure_ascii=False, default=str)
            if values
            else None,
            reason="",
            user_id=None if cause is None else cause.pk,
            user_label=("(not signed in)" if old.kind in UNPROVEN else "poam")
            if cause is None
            else _label(cause),
            ip_address=old.ip,
            at=old.at,
            batch=uuid.uuid4().hex,
        )
        row.digest = link(previous, {name: getattr(row, name) for name in FIELDS})
        previous = row.digest
        rows.append(row)
    change.objects.using(alias).bulk_create(rows, batch_size=500)
    head_model.objects.using(alias).update_or_create(
        pk=1, defaults={"seq": seq, "digest": previous}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("poam_accounts", "0001_initial"),
        ("workbench", "0400_security_events"),
    ]

    operations = [
        migrations.RunPython(move_events, migrations.RunPython.noop),
        migrations.DeleteModel(name="SecurityEvent"),
    ]
