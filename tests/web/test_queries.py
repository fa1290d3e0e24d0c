"""The number of SQL queries of each page does not grow with the amount of data."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from poam.core.model import Evidence, ItemStatus, Milestone, MilestoneChange, PoamItem
from poam.formats.native import load_poam, load_ssp
from poam.web.workbench.assessment import clear_cache
from poam.web.workbench.history import Actor
from poam.web.workbench.models import Entry, Membership, Organization, System
from poam.web.workbench.services.systems import create_system_from
from tests.web.conftest import EXAMPLES, make_user


def _items(count: int) -> tuple[PoamItem, ...]:
    start = date(2026, 6, 1)
    return tuple(
        PoamItem(
            id=f"GEN-{n:04d}",
            requirement=("3.1.10", "3.3.5", "3.13.11", "3.5.3")[n % 4],
            gap=f"Generated gap number {n} with enough words to be specific about it",
            remediation=("Do the first concrete step on the named systems",),
            owner="Jane Doe, ISSO",
            status=ItemStatus.IN_PROGRESS,
            created=start,
            milestones=tuple(
                Milestone(
                    f"Milestone {m}",
                    start + timedelta(days=30 * (m + 1)),
                    history=(
                        MilestoneChange(
                            start,
                            start,
                            start + timedelta(days=30 * (m + 1)),
                            "Jane",
                            "Planned again after the audit",
                        ),
                    ),
                )
                for m in range(3)
            ),
            evidence=(
                Evidence("Link", f"https://example.com/{n}"),
                Evidence("File", f"evidence/{n}.txt"),
            ),
        )
        for n in range(count)
    )


def _system(org: Organization, entries: int) -> System:
    ssp = load_ssp(EXAMPLES / "acme-enclave" / "ssp.yaml")
    poam = replace(load_poam(EXAMPLES / "acme-enclave" / "poam.yaml"), items=_items(entries))
    system = create_system_from(Actor(None, "t"), org, ssp, (poam,))
    system.refresh_from_db()
    return system


def _count(client: Client, url: str) -> int:
    clear_cache()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.fixture
def sized(db: Any) -> dict[str, Any]:
    user = make_user("counter")
    small_org = Organization.objects.create(name="Small", slug="small")
    large_org = Organization.objects.create(name="Large", slug="large")
    Membership.objects.create(user=user, organization=small_org, role="editor")
    Membership.objects.create(user=user, organization=large_org, role="editor")
    return {
        "user": user,
        "small": _system(small_org, 3),
        "large": _system(large_org, 40),
        "large_org": large_org,
    }


PAGES = (
    "/systems/{}/",
    "/systems/{}/ssp/",
    "/systems/{}/ssp/?family=ALL",
    "/systems/{}/poam/",
    "/systems/{}/findings/",
    "/systems/{}/assessor/",
    "/systems/{}/history/",
)


@pytest.mark.parametrize("page", PAGES)
def test_system_pages_query_count_is_independent_of_size(sized: dict[str, Any], page: str) -> None:
    client = Client()
    client.force_login(sized["user"])
    client.get(page.format(sized["small"].pk))  # summaries and sessions warmed up
    client.get(page.format(sized["large"].pk))
    small = _count(client, page.format(sized["small"].pk))
    large = _count(client, page.format(sized["large"].pk))
    assert small == large, (page, small, large)
    assert large <= 20, (page, large)


def test_entry_page_query_count_is_independent_of_size(sized: dict[str, Any]) -> None:
    client = Client()
    client.force_login(sized["user"])
    small_entry = Entry.objects.filter(poam__system=sized["small"]).first()
    large_entry = Entry.objects.filter(poam__system=sized["large"]).last()
    assert small_entry is not None and large_entry is not None
    client.get(f"/entries/{small_entry.pk}/")
    client.get(f"/entries/{large_entry.pk}/")
    small = _count(client, f"/entries/{small_entry.pk}/")
    large = _count(client, f"/entries/{large_entry.pk}/")
    assert small == large and large <= 20, (small, large)


def test_portfolio_query_count_is_independent_of_the_number_of_systems(
    sized: dict[str, Any],
) -> None:
    client = Client()
    client.force_login(sized["user"])
    client.get("/")
    few = _count(client, "/?sort=score")
    for n in range(12):
        _system(sized["large_org"], 2 + n % 3)
    client.get("/")  # the new systems' summaries are computed once
    many = _count(client, "/?sort=score")
    assert few == many and many <= 12, (few, many)


def test_api_query_counts_are_independent_of_size(sized: dict[str, Any]) -> None:
    from poam.web.workbench.models import ApiToken

    _token, clear = ApiToken.issue(sized["user"], "q")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {clear}")
    for path in ("/api/systems/{}/assessment", "/api/systems/{}/entries", "/api/systems/{}/poam"):
        client.get(path.format(sized["small"].pk))
        client.get(path.format(sized["large"].pk))
        small = _count(client, path.format(sized["small"].pk))
        large = _count(client, path.format(sized["large"].pk))
        assert small == large, (path, small, large)
