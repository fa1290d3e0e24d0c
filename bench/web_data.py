"""Generate the web benchmark's portfolio: N organizations with M systems each, in a database.

    .venv/bin/python bench/web_data.py --data-dir bench/out/web-sqlite          # SQLite
    DATABASE_URL=postgres://... .venv/bin/python bench/web_data.py --data-dir bench/out/web-pg

Each system gets a realistic SSP and POA&M from ``bench/systems.py`` (the same generator as the
other benchmarks), stored in bulk with the web seam's own field mappings. Users: ``admin-<n>``
administers organization n; ``msp`` is a consultant in every organization. All passwords are
``bench-password``. Summaries are computed at the end, as ``poam_refresh`` would nightly.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

AS_OF = "2026-11-20"
PASSWORD = "bench-password"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=BENCH / "out" / "web-sqlite")
    parser.add_argument("--orgs", type=int, default=500)
    parser.add_argument("--systems-per-org", type=int, default=2)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    args.data_dir.mkdir(parents=True, exist_ok=True)
    sqlite = args.data_dir / "poam.sqlite3"
    if not os.environ.get("DATABASE_URL"):
        for suffix in ("", "-wal", "-shm"):
            Path(str(sqlite) + suffix).unlink(missing_ok=True)
    os.environ.update(
        {
            "POAM_DATA_DIR": str(args.data_dir.resolve()),
            "POAM_TODAY": AS_OF,
            "DJANGO_SETTINGS_MODULE": "poam.web.settings",
        }
    )
    os.environ.setdefault("POAM_SECRET_KEY", "bench-only-secret-key-" + "x" * 40)

    import django

    django.setup()
    from django.core.management import call_command

    if os.environ.get("DATABASE_URL"):  # a fresh schema (the change log refuses TRUNCATE)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    generate(args.orgs, args.systems_per_org, args.seed)
    print(f"generated in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    started = time.perf_counter()
    call_command("poam_refresh")
    print(f"summaries in {time.perf_counter() - started:.1f} s", file=sys.stderr)


def generate(orgs: int, per_org: int, seed: int) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone
    from systems import make_poam, make_ssp

    from poam.web.workbench import audit
    from poam.web.workbench.models import (
        Change,
        Entry,
        Membership,
        Organization,
        PoamDocument,
        SspRequirement,
        System,
    )
    from poam.web.workbench.seam import write

    rnd = random.Random(seed)
    users = get_user_model()
    hashed = make_password(PASSWORD)
    msp = users.objects.create(
        username="msp", first_name="Morgan", last_name="Consultant", password=hashed
    )
    now = timezone.now()
    index = 0
    for start in range(0, orgs, 25):
        with transaction.atomic():
            batch = [
                Organization(name=f"Contractor {n:03d} LLC", slug=f"contractor-{n:03d}")
                for n in range(start, min(start + 25, orgs))
            ]
            batch = Organization.objects.bulk_create(batch)
            admins = users.objects.bulk_create(
                users(
                    username=f"admin-{n:03d}",
                    first_name="Admin",
                    last_name=f"{n:03d}",
                    password=hashed,
                )
                for n in range(start, start + len(batch))
            )
            Membership.objects.bulk_create(
                [
                    Membership(user=a, organization=o, role="administrator")
                    for a, o in zip(admins, batch, strict=True)
                ]
                + [Membership(user=msp, organization=o, role="administrator") for o in batch]
            )
            documents = []
            systems = []
            for org in batch:
                for _ in range(per_org):
                    ssp = make_ssp(rnd, index)
                    poam = make_poam(rnd, ssp, index)
                    index += 1
                    documents.append((ssp, poam))
                    systems.append(System(organization=org, **write.system_values(ssp)))
            systems = System.objects.bulk_create(systems)
            SspRequirement.objects.bulk_create(
                SspRequirement(system=s, requirement=nist_id, **write.record_values(record))
                for s, (ssp, _p) in zip(systems, documents, strict=True)
                for nist_id, record in ssp.requirements.items()
            )
            poams = PoamDocument.objects.bulk_create(
                PoamDocument(system=s, kind=p.kind.value, **write.poam_values(p))
                for s, (_s, p) in zip(systems, documents, strict=True)
            )
            entries = []
            for row, (_s, p) in zip(poams, documents, strict=True):
                entries += [
                    (Entry(poam=row, position=i, **write.entry_values(item)), item)
                    for i, item in enumerate(p.items)
                ]
            created = Entry.objects.bulk_create(e for e, _ in entries)
            write.create_children(
                (entry, item) for entry, (_e, item) in zip(created, entries, strict=True)
            )
            audit.append(  # chained, as a unit of work appends
                [
                    Change(
                        organization_id=s.organization_id,
                        system=s,
                        object_type="system",
                        object_id=s.pk,
                        object_label=s.name,
                        action="create",
                        at=now,
                        batch=f"gen{s.pk}",
                        user_label="bench",
                    )
                    for s in systems
                ]
            )
        print(f"{min(start + 25, orgs)} organizations", file=sys.stderr, end="\r")
    print(file=sys.stderr)


if __name__ == "__main__":
    main()
