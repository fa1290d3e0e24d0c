"""First-run setup under a race: many requests with the printed token create one administrator.

Issue 8: one setup token created 5 administrators when its requests raced. Each request here runs
in its own thread with its own database connection (SQLite or PostgreSQL, as the suite runs).
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from poam.web.accounts import events
from poam.web.accounts import setup as first_run
from poam.web.workbench.models import Membership, Organization

RACERS = 8


@pytest.mark.django_db(transaction=True)
def test_racing_setups_create_exactly_one_administrator() -> None:
    token = first_run.issue()
    barrier = threading.Barrier(RACERS)
    statuses: list[int] = []

    def race(index: int) -> None:
        try:
            barrier.wait()
            response = Client(raise_request_exception=False).post(
                "/setup/",
                {
                    "token": token,
                    "username": f"admin{index}",
                    "password": "a-much-longer-passphrase",
                    "organization": f"Org {index}",
                },
            )
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=race, args=(i,)) for i in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert get_user_model().objects.count() == 1
    assert Organization.objects.count() == 1
    assert Membership.objects.get().role == "administrator"
    assert sorted(statuses) == [302] + [404] * (RACERS - 1)
    assert events.security_events().filter(action="first-administrator").count() == 1
    assert not first_run.needed()


def test_setup_refuses_weak_passwords_and_keeps_the_claim_free(db: Any) -> None:
    token = first_run.issue()
    client = Client()
    weak = client.post(
        "/setup/",
        {"token": token, "username": "a", "password": "Password123!", "organization": "O"},
    )
    assert weak.status_code == 200 and "too easy to guess" in weak.content.decode()
    assert first_run.needed()
    done = client.post(
        "/setup/",
        {
            "token": token,
            "username": "a",
            "email": "a@example.com",
            "password": "a-much-longer-passphrase",
            "organization": "O",
        },
    )
    assert done.status_code == 302
    assert client.get(f"/setup/?token={token}").status_code == 404
