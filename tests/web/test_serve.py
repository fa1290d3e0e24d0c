"""``poam serve`` / ``poam migrate``, the demo seed, first-run setup and production settings."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from poam.web.workbench import storage
from poam.web.workbench.assessment import assess_snapshot
from poam.web.workbench.models import Change, EntryEvidence, Organization, System
from poam.web.workbench.seam import read
from tests.web.conftest import AS_OF, ROOT


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("POAM_", "DJANGO_", "DATABASE_"))
    }
    env.update({"POAM_DATA_DIR": str(tmp_path / "data"), **extra})
    return env


def test_demo_seed_two_orgs_three_systems_and_a_running_clock(db: Any) -> None:
    out = io.StringIO()
    call_command("poam_serve", "--demo", "--no-serve", "--port", "8123", stdout=out)
    printed = out.getvalue()
    assert "sign in as demo / demo-" in printed and "http://localhost:8123/" in printed
    assert Organization.objects.count() == 2 and System.objects.count() == 3
    verdicts = {}
    for system in System.objects.all():
        result = assess_snapshot(read.load(system), AS_OF).assessment
        verdicts[system.name] = (result.verdict.verdict.value, result.verdict.days_left)
    assert verdicts["Summit Fasteners Enterprise Network"] == ("conditional", 27)
    assert verdicts["Acme CUI Enclave"][0] == "none"
    assert Change.objects.filter(action="update", object_type="milestone").exists()
    assert Change.objects.filter(action="comment").exists()
    stored = EntryEvidence.objects.filter(blob__isnull=False)
    assert stored.count() >= 4
    for evidence in stored:
        assert storage.current_sha256(storage.blob_path(str(evidence.blob_id))) == evidence.blob_id
    again = io.StringIO()
    call_command("poam_serve", "--demo", "--no-serve", stdout=again)  # idempotent
    assert System.objects.count() == 3


@override_settings(POAM_TODAY="2027-04-01")
def test_the_demo_looks_the_same_on_any_day(db: Any) -> None:
    call_command("poam_demo", stdout=io.StringIO())
    summit = System.objects.get(name="Summit Fasteners Enterprise Network")
    result = assess_snapshot(read.load(summit), AS_OF.replace(2027, 4, 1)).assessment
    assert (result.verdict.verdict.value, result.verdict.days_left) == ("conditional", 27)


def test_first_run_setup_needs_the_printed_token(db: Any) -> None:
    out = io.StringIO()
    call_command("poam_serve", "--no-serve", stdout=out)
    assert "create the first administrator at http://localhost:8000/setup/?token=" in out.getvalue()
    token = out.getvalue().split("token=")[1].split()[0]
    client = Client()
    assert client.get("/setup/?token=wrong").status_code == 404
    page = client.post(
        "/setup/",
        {"token": token, "username": "first", "password": "short", "organization": "First Org"},
    )
    assert page.status_code == 200 and "too short" in page.content.decode()
    done = client.post(
        "/setup/",
        {
            "token": token,
            "username": "first",
            "password": "a-much-longer-passphrase",
            "organization": "First Org",
        },
    )
    assert done.status_code == 302
    assert Organization.objects.get().memberships.get().role == "administrator"
    assert client.get(f"/setup/?token={token}").status_code == 404  # once only


def test_argon2_hashes_passwords() -> None:
    from django.contrib.auth.hashers import Argon2PasswordHasher
    from django.utils.module_loading import import_string

    import poam.web.settings as configured

    first = import_string(configured.PASSWORD_HASHERS[0])
    assert issubclass(first, Argon2PasswordHasher) and first.algorithm == "argon2"


def test_poam_migrate_creates_the_embedded_database(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "poam", "migrate", "--data-dir", str(tmp_path / "d")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=_env(tmp_path),
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "d" / "poam.sqlite3").is_file()
    assert (tmp_path / "d" / "secret_key").stat().st_mode & 0o777 == 0o600


def test_a_server_database_without_a_secret_key_is_a_clear_error(tmp_path: Path) -> None:
    env = _env(tmp_path, DATABASE_URL="postgres://nobody@127.0.0.1:1/none")
    result = subprocess.run(
        [sys.executable, "-m", "poam", "migrate"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=False,
        timeout=120,
    )
    assert result.returncode == 2
    assert "POAM_SECRET_KEY is not set" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("https", ["1", "0"])
def test_https_settings(tmp_path: Path, https: str) -> None:
    code = (
        "import poam.web.settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "getattr(s, 'SECURE_HSTS_SECONDS', 0), s.CSRF_TRUSTED_ORIGINS)"
    )
    env = _env(tmp_path, POAM_HTTPS=https, POAM_ALLOWED_HOSTS="poam.example")
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=60,
    )
    if https == "1":
        assert result.stdout.strip() == "True True 31536000 ['https://poam.example']"
    else:
        assert result.stdout.strip() == "False False 0 []"


def test_static_files_are_served_by_the_application(client: Any, db: Any) -> None:
    css = client.get("/static/poam/app.css")
    assert css.status_code == 200 and b"--accent" in b"".join(css.streaming_content)
    htmx = client.get("/static/poam/htmx-2.0.11.min.js")
    assert htmx.status_code == 200 and b"htmx" in b"".join(htmx.streaming_content)


def test_pages_carry_a_strict_content_security_policy(client: Any) -> None:
    response = client.get("/login/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]
    assert response["X-Frame-Options"] == "DENY"
