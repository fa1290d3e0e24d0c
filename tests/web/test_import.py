"""The web import (issues 8 and 9): every format the CLI reads, a preview before anything
changes, one confirmed unit of work, no silent rename, and bounds a hostile upload cannot pass.

The files come from the same page's exports (what a user downloads must import back), from
the CLI's own writers (CSV workbooks, OSCAL YAML), and hand-made for OSCAL XML and the hostile
cases. Every refusal is a 4xx naming the file; none writes anything.
"""

from __future__ import annotations

import io
import json
import os
import re
import threading
import zipfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from poam.core.model import Poam, Ssp
from poam.formats.errors import InputError
from poam.web.workbench import importing
from poam.web.workbench.assessment import load_snapshot
from poam.web.workbench.models import ApiToken, Change, Entry, SspRequirement, System
from tests.web.conftest import AS_OF, EXAMPLES, World
from tests.web.test_isolation import fingerprint

OSCAL_XMLNS = "http://csrc.nist.gov/ns/oscal/1.0"


def _admin(login: Callable[[Any], Client], world: World) -> Client:
    return login(world.users["administrator"])


def _download(client: Client, system: Any, key: str) -> bytes:
    response = client.get(f"/systems/{system.pk}/export/{key}/")
    assert response.status_code == 200, (key, response.status_code)
    return b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]


def _export(client: Client, world: World, key: str) -> bytes:
    return _download(client, world.system, key)


def _upload(
    client: Client, world: World, slot: str, name: str, data: bytes, system: Any = None
) -> Any:
    system = system or world.system
    return client.post(f"/systems/{system.pk}/import/", {slot: SimpleUploadedFile(name, data)})


def _token(response: Any) -> str:
    assert response.status_code == 302, (response.status_code, response.content[:2000])
    found = re.search(r"/import/([A-Za-z0-9_-]+)/$", response["Location"])
    assert found, response["Location"]
    return found[1]


def _preview_url(world: World, token: str, system: Any = None) -> str:
    return f"/systems/{(system or world.system).pk}/import/{token}/"


def _poam_csv(system: Any, layout: str, tmp_path: Path) -> bytes:
    """A CSV workbook written by the CLI's writer (the pages export XLSX only)."""
    from poam.formats.workbooks import BY_NAME

    snapshot = load_snapshot(system)
    path = tmp_path / f"{layout}.csv"
    chosen = BY_NAME[layout]
    variant = chosen.variants[0] if chosen.variants else None
    chosen.module().export(
        snapshot.ssp, snapshot.poam(), path, fmt="csv", exported=AS_OF, variant=variant
    )
    return path.read_bytes()


def _oscal_yaml(json_bytes: bytes) -> bytes:
    from poam.formats.oscal.files import dumps

    return dumps(json.loads(json_bytes), "yaml")


def _xml_poam(inner: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<plan-of-action-and-milestones '
        f'xmlns="{OSCAL_XMLNS}" uuid="11111111-1111-4111-8111-111111111111"><metadata>'
        "<title>t</title><last-modified>2026-01-01T00:00:00Z</last-modified><version>1</version>"
        f"<oscal-version>1.1.3</oscal-version>{inner}</metadata>"
        '<poam-item uuid="22222222-2222-4222-8222-222222222222"><title>Logs</title>'
        "<description><p>Audit logs are not reviewed</p></description></poam-item>"
        "</plan-of-action-and-milestones>"
    ).encode()


# (slot, file name, how to make it from Summit's system, the format the preview names).
# Summit's POA&M names only requirements of the catalog, so every layout carries it back.
Maker = Callable[[Client, Any, Path], bytes]
FORMATS: list[tuple[str, str, Maker, str]] = [
    ("ssp", "ssp.yaml", lambda c, s, t: _download(c, s, "ssp"), "poam YAML"),
    ("ssp", "ssp.json", lambda c, s, t: _download(c, s, "ssp-json"), "poam JSON"),
    ("poam", "poam.yaml", lambda c, s, t: _download(c, s, "poam"), "poam YAML"),
    ("poam", "poam.json", lambda c, s, t: _download(c, s, "poam-json"), "poam JSON"),
    ("ssp", "ssp.oscal.json", lambda c, s, t: _download(c, s, "oscal-ssp"), "OSCAL JSON"),
    (
        "poam",
        "poam.oscal.yaml",
        lambda c, s, t: _oscal_yaml(_download(c, s, "oscal-poam")),
        "OSCAL YAML",
    ),
    ("poam", "poam.xml", lambda c, s, t: _xml_poam(), "OSCAL XML"),
    ("ssp", "ssp.xlsx", lambda c, s, t: _download(c, s, "ssp-workbook"), "SSP workbook (XLSX)"),
    ("poam", "emass.xlsx", lambda c, s, t: _download(c, s, "emass"), "eMASS POA&M workbook (XLSX)"),
    ("poam", "emass.csv", lambda c, s, t: _poam_csv(s, "emass", t), "eMASS POA&M workbook (CSV)"),
    (
        "poam",
        "fedramp.xlsx",
        lambda c, s, t: _download(c, s, "fedramp"),
        "FedRAMP POA&M v2.1 workbook (XLSX)",
    ),
    (
        "poam",
        "nist.xlsx",
        lambda c, s, t: _download(c, s, "nist"),
        "NIST SP 800-171 plan of action workbook (XLSX)",
    ),
    (
        "poam",
        "plan.csv",
        lambda c, s, t: _poam_csv(s, "nist", t),
        "NIST SP 800-171 plan of action workbook (CSV)",
    ),
]


# --- every format the CLI reads ---------------------------------------------------------------


@pytest.mark.parametrize(("slot", "name", "make", "label"), FORMATS, ids=[f[1] for f in FORMATS])
def test_every_format_the_cli_reads_is_previewed_by_content(
    world: World, tmp_path: Path, slot: str, name: str, make: Maker, label: str
) -> None:
    """Before: the page refused workbooks (only the CLI read them) and OSCAL YAML/XML."""
    client = Client()
    client.force_login(world.users["consultant"])  # administrator of Summit
    summit = world.other_system
    data = make(client, summit, tmp_path)
    before = fingerprint(world.other_org)
    # recognised by content: the name says nothing of the format
    token = _token(_upload(client, world, slot, "upload", data, system=summit))
    page = client.get(_preview_url(world, token, summit))
    assert page.status_code == 200
    text = page.content.decode()
    assert label.replace("&", "&amp;") in text and "nothing has changed yet" in text
    assert fingerprint(world.other_org) == before  # a preview writes nothing
    done = client.post(_preview_url(world, token, summit), {"action": "confirm"})
    assert done.status_code == 302 and done["Location"] == f"/systems/{summit.pk}/"


def test_what_the_page_exports_imports_back_as_no_change(login: Any, world: World) -> None:
    client = _admin(login, world)
    token = _token(_upload(client, world, "ssp", "ssp.yaml", _export(client, world, "ssp")))
    text = client.get(_preview_url(world, token)).content.decode()
    assert "importing changes nothing" in text
    assert "0 requirements change status" in text


def test_reader_warnings_reach_the_preview(login: Any, world: World) -> None:
    """An eMASS workbook whose header does not record the POA&M's kind is read as internal,
    and the reader warns that the Conditional checks will not run; the preview shows it."""
    import openpyxl

    client = login(world.users["consultant"])
    summit = world.other_system
    book = openpyxl.load_workbook(io.BytesIO(_download(client, summit, "emass")))
    erased = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and "poa&m kind" in cell.value.lower():
                    cell.value = None
                    erased += 1
    assert erased
    out = io.BytesIO()
    book.save(out)
    token = _token(_upload(client, world, "poam", "e.xlsx", out.getvalue(), system=summit))
    page = client.get(_preview_url(world, token, summit)).content.decode()
    assert 'id="import-warnings"' in page
    assert "e.xlsx: the workbook does not say whether the POA&amp;M is Conditional" in page


def test_a_workbook_in_the_wrong_slot_says_which_it_is(login: Any, world: World) -> None:
    client = _admin(login, world)
    response = _upload(client, world, "ssp", "plan.xlsx", _export(client, world, "nist"))
    assert response.status_code == 422
    text = response.content.decode()
    assert "plan.xlsx: is a POA&amp;M" in text and "choose it as the POA&amp;M file" in text


def test_an_unknown_workbook_lists_the_layouts_poam_reads(login: Any, world: World) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.create_sheet("Budget")
    book.create_sheet("Travel")
    out = io.BytesIO()
    book.save(out)
    client = _admin(login, world)
    response = _upload(client, world, "poam", "budget.xlsx", out.getvalue())
    assert response.status_code == 422
    text = response.content.decode()
    assert "budget.xlsx: is a workbook poam does not recognise" in text
    assert "eMASS POA&amp;M" in text and "SSP workbook" in text


# --- preview, confirm, cancel -----------------------------------------------------------------


def _ssp_with(world: World, name: str, status: str = "implemented") -> bytes:
    """The Acme SSP exported, with 3.1.1 set to ``status`` and the system named ``name``."""
    from poam.formats.native import dump_ssp

    snapshot = load_snapshot(world.system)
    ssp = snapshot.ssp
    from dataclasses import replace

    records = dict(ssp.requirements)
    records["3.1.1"] = replace(records["3.1.1"], status=type(records["3.1.1"].status)(status))
    changed = replace(ssp, system=replace(ssp.system, name=name), requirements=records)
    return dump_ssp(changed).encode()


def test_the_preview_says_what_changes_and_confirming_applies_it_in_one_unit_of_work(
    login: Any, world: World
) -> None:
    client = _admin(login, world)
    before_status = SspRequirement.objects.get(system=world.system, requirement="3.1.1").status
    assert before_status != "not-implemented"
    data = _ssp_with(world, "A New Name", "not-implemented")
    token = _token(_upload(client, world, "ssp", "renamed.yaml", data))
    page = client.get(_preview_url(world, token)).content.decode()
    assert "1 requirement changes status" in page
    assert re.search(
        r"<th scope=\"row\">3\.1\.1</th><td>[a-z-]+</td><td>not-implemented</td>", page
    )
    assert "A New Name" in page and 'name="rename"' in page
    revision = System.objects.get(pk=world.system.pk).revision
    last = Change.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    done = client.post(_preview_url(world, token), {"action": "confirm"})
    assert done.status_code == 302 and done["Location"] == f"/systems/{world.system.pk}/"
    system = System.objects.get(pk=world.system.pk)
    assert system.name == "Acme CUI Enclave"  # never renamed unless ticked
    assert system.revision == revision + 1  # one unit of work
    rows = Change.objects.filter(seq__gt=last)
    assert {r.batch for r in rows} and len({r.batch for r in rows}) == 1
    assert {r.reason for r in rows} == {"import: renamed.yaml"}
    assert {r.user_id for r in rows} == {world.users["administrator"].pk}
    record = SspRequirement.objects.get(system=world.system, requirement="3.1.1")
    assert record.status == "not-implemented"
    # the token is spent
    again = client.post(_preview_url(world, token), {"action": "confirm"}, follow=True)
    assert "expired or was already used" in again.content.decode()
    assert System.objects.get(pk=world.system.pk).revision == revision + 1


def test_the_system_is_renamed_only_when_the_user_ticks_it(login: Any, world: World) -> None:
    client = _admin(login, world)
    token = _token(_upload(client, world, "ssp", "ssp.yaml", _ssp_with(world, "Acme Renamed")))
    client.post(_preview_url(world, token), {"action": "confirm", "rename": "1"})
    assert System.objects.get(pk=world.system.pk).name == "Acme Renamed"


def test_cancel_discards_the_preview_and_changes_nothing(login: Any, world: World) -> None:
    client = _admin(login, world)
    before = fingerprint(world.org)
    token = _token(
        _upload(client, world, "poam", "poam.yaml", b"poam: {kind: internal}\nitems: []\n")
    )
    page = client.get(_preview_url(world, token)).content.decode()
    assert "0 entries in the file" in page and "removed (kept in the history)" in page
    cancelled = client.post(_preview_url(world, token), {"action": "cancel"}, follow=True)
    assert "Import cancelled" in cancelled.content.decode()
    assert fingerprint(world.org) == before
    gone = client.post(_preview_url(world, token), {"action": "confirm"})
    assert gone.status_code == 302 and fingerprint(world.org) == before


def test_a_poam_preview_lists_entries_added_removed_and_changed(login: Any, world: World) -> None:
    from dataclasses import replace

    from poam.formats.native import dump_poam

    client = _admin(login, world)
    poam = load_snapshot(world.system).poam("internal")
    assert poam is not None
    first, second, *rest = poam.items
    items = (replace(first, gap=first.gap + " And more."), *rest, replace(second, id="NEW-1"))
    data = dump_poam(replace(poam, items=items)).encode()
    token = _token(_upload(client, world, "poam", "poam.yaml", data))
    page = client.get(_preview_url(world, token)).content.decode()
    assert "Added: NEW-1" in page
    assert f"Removed: {second.id}" in page
    assert f"Changed: {first.id}" in page


def test_a_preview_belongs_to_its_user_and_system_and_expires(login: Any, world: World) -> None:
    client = _admin(login, world)
    data = b"poam: {kind: internal}\nitems: []\n"
    token = _token(_upload(client, world, "poam", "poam.yaml", data))
    before = fingerprint(world.org)
    # another administrator of the same organization cannot confirm it
    other = Client()
    other.force_login(world.users["consultant"])
    refused = other.post(_preview_url(world, token), {"action": "confirm"}, follow=True)
    assert "expired or was already used" in refused.content.decode()
    assert fingerprint(world.org) == before
    # nor can it be confirmed on another system, even by its owner
    from poam.web.workbench.models import Membership

    Membership.objects.create(
        user=world.users["administrator"], organization=world.other_org, role="administrator"
    )
    moved = client.post(_preview_url(world, token, world.other_system), {"action": "confirm"})
    assert moved.status_code == 302 and "/assessor/" in moved["Location"]
    assert fingerprint(world.org) == before
    # expired: an hour later it is gone
    folder = importing._folder(token)
    meta = json.loads((folder / "meta.json").read_text())
    meta["created"] = (timezone.now() - timedelta(hours=2)).isoformat()
    (folder / "meta.json").write_text(json.dumps(meta))
    expired = client.post(_preview_url(world, token), {"action": "confirm"}, follow=True)
    assert "expired or was already used" in expired.content.decode()
    assert fingerprint(world.org) == before and not folder.exists()


def test_the_stage_is_private_and_bounded(login: Any, world: World) -> None:
    client = _admin(login, world)
    data = b"poam: {kind: internal}\nitems: []\n"
    tokens = [_token(_upload(client, world, "poam", "poam.yaml", data)) for _ in range(5)]
    kept = [t for t in tokens if importing._folder(t).exists()]
    assert kept == tokens[-importing.MAX_STAGED_PER_USER :]
    folder = importing._folder(tokens[-1])
    assert folder.stat().st_mode & 0o777 == 0o700
    for path in folder.iterdir():
        assert path.stat().st_mode & 0o777 == 0o600
    assert tokens[-1] not in str(folder)  # the token itself is not on disk


def test_a_system_changed_since_the_preview_is_previewed_again(login: Any, world: World) -> None:
    client = _admin(login, world)
    token = _token(_upload(client, world, "ssp", "ssp.yaml", _ssp_with(world, "Acme CUI Enclave")))
    SspRequirement.objects.filter(system=world.system, requirement="3.1.2").update(
        narrative="edited meanwhile"
    )
    System.objects.filter(pk=world.system.pk).update(revision=world.system.revision + 5)
    stale = client.post(_preview_url(world, token), {"action": "confirm"})
    assert stale.status_code == 409
    assert "changed since this preview" in stale.content.decode()
    assert SspRequirement.objects.get(system=world.system, requirement="3.1.2").narrative == (
        "edited meanwhile"
    )
    done = client.post(_preview_url(world, token), {"action": "confirm"})
    assert done.status_code == 302
    assert SspRequirement.objects.get(system=world.system, requirement="3.1.1").status == (
        "implemented"
    )


def test_only_administrators_preview_or_confirm(login: Any, world: World) -> None:
    admin = _admin(login, world)
    token = _token(
        _upload(admin, world, "poam", "poam.yaml", b"poam: {kind: internal}\nitems: []\n")
    )
    editor = Client()
    editor.force_login(world.users["editor"])
    assert editor.get(_preview_url(world, token)).status_code == 403
    assert editor.post(_preview_url(world, token), {"action": "confirm"}).status_code == 403
    outsider = Client()
    outsider.force_login(world.users["outsider"])
    assert outsider.get(_preview_url(world, token)).status_code == 404


# --- bounds -----------------------------------------------------------------------------------


def test_a_file_over_the_limit_is_refused_as_it_arrives(
    login: Any, world: World, settings: Any
) -> None:
    settings.POAM_MAX_IMPORT_BYTES = 4096
    client = _admin(login, world)
    big = b"poam: {kind: internal}\nitems: []\n" + b"#" * 10_000 + b"\n"
    before = fingerprint(world.org)
    response = _upload(client, world, "poam", "huge-poam.yaml", big)
    assert response.status_code == 413
    text = response.content.decode()
    assert "huge-poam.yaml: is" in text and "POAM_MAX_IMPORT_MB" in text
    assert fingerprint(world.org) == before
    _issued, clear = ApiToken.issue(world.users["administrator"], "t", scope="write")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {clear}")
    answer = api.post(
        f"/api/systems/{world.system.pk}/import",
        {"poam": SimpleUploadedFile("huge-poam.yaml", big)},
    )
    assert answer.status_code == 413
    assert any(p.startswith("huge-poam.yaml: is") for p in answer.json()["problems"])


def test_the_upload_handler_never_keeps_more_than_the_limit(settings: Any) -> None:
    from django.test import RequestFactory

    from poam.web.workbench.import_limit import REFUSED, ImportLimitHandler

    request = RequestFactory().post("/")
    setattr(request, REFUSED, [])
    handler = ImportLimitHandler(request, limit=10)
    handler.new_file("poam", "big.yaml", "text/yaml", 100)
    assert handler.receive_data_chunk(b"12345", 0) == b"12345"
    from django.core.files.uploadhandler import SkipFile

    with pytest.raises(SkipFile):
        handler.receive_data_chunk(b"1234567890", 5)
    assert getattr(request, REFUSED) == [("big.yaml", 15)]


def _zip_bomb() -> bytes:
    """An XLSX whose sheet inflates from a few kB to far more than any workbook holds."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"/>',
        )
        package.writestr(
            "xl/workbook.xml",
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets>'
            '<sheet name="POA&amp;M" sheetId="1"/></sheets></workbook>',
        )
        package.writestr("xl/worksheets/sheet1.xml", b"<a>" + b" " * 300_000_000 + b"</a>")
    return out.getvalue()


def _dangling_shared_strings(world: World, client: Client) -> bytes:
    """The page's own eMASS export with one cell pointing past the shared-string table."""
    data = _export(client, world, "emass")
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                content = re.sub(
                    rb'(t="s"[^>]*><v>)\d+(</v>)', rb"\g<1>999999\g<2>", content, count=1
                )
            package.writestr(info, content)
    return out.getvalue()


def _laughs() -> bytes:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 10):
        previous = chr(ord("a") + level - 1)
        name = chr(ord("a") + level)
        lines.append(
            f"{name}: &{name} [*{previous},*{previous},*{previous},*{previous},*{previous}]"
        )
    return ("\n".join(lines) + "\n").encode()


HOSTILE: list[tuple[str, str, Callable[[World, Client], bytes], str]] = [
    ("ssp", "laughs.yaml", lambda w, c: _laughs(), "laughs.yaml"),
    ("poam", "deep.json", lambda w, c: b"[" * 100_000 + b"]" * 100_000, "deep.json:1:"),
    (
        "poam",
        "deep.xml",
        lambda w, c: _xml_poam("<x>" * 100_000 + "</x>" * 100_000),
        "deep.xml:2:",
    ),
    ("poam", "bomb.xlsx", lambda w, c: _zip_bomb(), "bomb.xlsx"),
    ("poam", "dangling.xlsx", _dangling_shared_strings, "dangling.xlsx"),
    ("ssp", "binary.yaml", lambda w, c: b"\x00\x01\x02garbage", "binary.yaml"),
    (
        "ssp",
        "old.xls",
        lambda w, c: b"\xd0\xcf\x11\xe0" + b"\x00" * 100,
        "old.xls: is an old Excel",
    ),
    ("poam", "empty.yaml", lambda w, c: b"", "empty.yaml"),
]


@pytest.mark.parametrize(("slot", "name", "make", "named"), HOSTILE, ids=[h[1] for h in HOSTILE])
def test_hostile_files_answer_a_clean_4xx_through_the_page_and_the_api(
    login: Any,
    world: World,
    slot: str,
    name: str,
    make: Callable[[World, Client], bytes],
    named: str,
) -> None:
    client = _admin(login, world)
    data = make(world, client)
    _issued, clear = ApiToken.issue(world.users["administrator"], "t", scope="write")
    before = fingerprint(world.org)
    page = _upload(client, world, slot, name, data)
    assert page.status_code in (413, 422), (name, page.status_code)
    assert "Nothing was imported" in page.content.decode()
    assert named in page.content.decode(), page.content.decode()[-3000:]
    api = Client(HTTP_AUTHORIZATION=f"Bearer {clear}")
    answer = api.post(
        f"/api/systems/{world.system.pk}/import", {slot: SimpleUploadedFile(name, data)}
    )
    assert answer.status_code in (413, 422), (name, answer.status_code)
    assert any(named in problem for problem in answer.json()["problems"]), answer.json()
    assert fingerprint(world.org) == before


# --- the API ------------------------------------------------------------------------------------


def _api(world: World) -> Client:
    _issued, clear = ApiToken.issue(world.users["administrator"], "t", scope="write")
    return Client(HTTP_AUTHORIZATION=f"Bearer {clear}")


def test_the_api_dry_run_answers_the_summary_and_changes_nothing(world: World) -> None:
    api = _api(world)
    before = fingerprint(world.org)
    answer = api.post(
        f"/api/systems/{world.system.pk}/import?dry_run=true",
        {"ssp": SimpleUploadedFile("ssp.yaml", _ssp_with(world, "Other", "not-implemented"))},
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["applied"] is False and body["score"] is None
    assert body["summary"]["ssp"]["status_changed"] == 1
    assert body["summary"]["ssp"]["status_changes"][0]["requirement"] == "3.1.1"
    assert body["summary"]["rename"] == {"current": "Acme CUI Enclave", "in_file": "Other"}
    assert body["summary"]["files"] == [{"slot": "ssp", "name": "ssp.yaml", "format": "poam YAML"}]
    assert fingerprint(world.org) == before


def test_the_api_import_applies_in_one_change_and_never_renames(world: World) -> None:
    api = _api(world)
    last = Change.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    answer = api.post(
        f"/api/systems/{world.system.pk}/import",
        {"ssp": SimpleUploadedFile("ssp.yaml", _ssp_with(world, "Other", "not-implemented"))},
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["applied"] is True and isinstance(body["findings"], int)
    assert System.objects.get(pk=world.system.pk).name == "Acme CUI Enclave"
    rows = Change.objects.filter(seq__gt=last)
    assert len({r.batch for r in rows}) == 1 and {r.reason for r in rows} == {"import: ssp.yaml"}


def test_the_api_reads_workbooks_too(world: World) -> None:
    client = Client()
    client.force_login(world.users["consultant"])
    data = _download(client, world.other_system, "emass")
    _issued, clear = ApiToken.issue(world.users["consultant"], "t", scope="write")
    answer = Client(HTTP_AUTHORIZATION=f"Bearer {clear}").post(
        f"/api/systems/{world.other_system.pk}/import?dry_run=true",
        {"poam": SimpleUploadedFile("poam.xlsx", data)},
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["summary"]["files"][0]["format"] == "eMASS POA&M workbook (XLSX)"


# --- the database is never held while a file is read ------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_write_by_another_user_succeeds_while_an_import_is_parsed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The import's parsing runs outside any transaction: another user's save goes through
    while it is under way (issue 8: a 200 MB import held SQLite's lock; writes got 500)."""
    from poam.web.workbench.models import Membership, Organization
    from tests.web.conftest import import_example, make_user

    org = Organization.objects.create(name="Acme", slug="acme")
    admin, editor = make_user("admin"), make_user("editor")
    Membership.objects.create(user=admin, organization=org, role="administrator")
    Membership.objects.create(user=editor, organization=org, role="editor")
    system = import_example(org, "acme-enclave", with_files=False)
    parsing, release = threading.Event(), threading.Event()
    in_transaction: list[bool] = []
    original = importing.read_upload

    def slow_read(upload: importing.Upload, catalog: Any = None) -> importing.Read:
        in_transaction.append(connection.in_atomic_block)
        parsing.set()
        assert release.wait(30)
        return original(upload, catalog)

    monkeypatch.setattr(importing, "read_upload", slow_read)
    statuses: list[int] = []

    def run_import() -> None:
        try:
            importer = Client()
            importer.force_login(admin)
            response = importer.post(
                f"/systems/{system.pk}/import/",
                {
                    "ssp": SimpleUploadedFile(
                        "ssp.yaml", (EXAMPLES / "acme-enclave/ssp.yaml").read_bytes()
                    )
                },
            )
            statuses.append(response.status_code)
        finally:
            connection.close()

    thread = threading.Thread(target=run_import)
    thread.start()
    try:
        assert parsing.wait(30)
        writer = Client()
        writer.force_login(editor)
        entry = Entry.objects.filter(poam__system=system, deleted_at=None).first()
        assert entry is not None
        saved = writer.post(
            f"/entries/{entry.pk}/edit/",
            {"owner": "Someone Else", "version": entry.version, "reason": "meanwhile"},
        )
        assert saved.status_code in (200, 302), saved.status_code
        entry.refresh_from_db()
        assert entry.owner == "Someone Else"
    finally:
        release.set()
        thread.join(60)
    assert statuses == [302]
    assert in_transaction == [False]


def test_the_document_types_match_the_slots() -> None:
    data = (EXAMPLES / "acme-enclave/ssp.yaml").read_bytes()
    parsed = importing.read_uploads([importing.Upload("ssp", "ssp.yaml", data)])
    assert parsed.ssp is not None and isinstance(parsed.ssp.document, Ssp)
    with pytest.raises(Exception, match=r"poam\.yaml"):
        importing.read_uploads([importing.Upload("poam", "poam.yaml", data)])
    data = (EXAMPLES / "acme-enclave/poam.yaml").read_bytes()
    assert isinstance(
        importing.read_uploads([importing.Upload("poam", "p", data)]).reads[0].document, Poam
    )


def test_the_limit_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    from poam.web import config

    assert config.positive_int({"POAM_MAX_IMPORT_MB": "3"}, "POAM_MAX_IMPORT_MB", 10) == 3
    assert os.environ.get("POAM_MAX_IMPORT_MB") is None  # the suite runs with the default
    from django.conf import settings

    assert settings.POAM_MAX_IMPORT_BYTES == 10 * 1024 * 1024


# --- recognition never crashes ------------------------------------------------------------------

_HEADS = st.sampled_from(
    [
        b"",
        b"PK\x03\x04",
        b"<",
        b'<?xml version="1.0"?><',
        b"{",
        b"[",
        b"a,b,c\n",
        b"poam:\n",
        b"\xef\xbb\xbf",
    ]
)


@hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    head=_HEADS,
    body=st.binary(max_size=600) | st.text(max_size=600).map(str.encode),
    slot=st.sampled_from(importing.SLOTS),
    name=st.sampled_from(["upload", "x.csv", "x.xlsx", "x.yaml", "x.json", "x.xml"]),
)
def test_any_upload_is_read_or_refused_with_an_input_error(
    head: bytes, body: bytes, slot: importing.Slot, name: str
) -> None:
    """Whatever the bytes and the name, the import reads a document or raises InputError
    naming the upload: never another exception (a 500)."""
    try:
        read = importing.read_upload(importing.Upload(slot, name, head + body))
    except InputError as error:
        assert error.problems and all(p.file == name for p in error.problems)
    else:
        assert isinstance(read.document, Ssp if slot == "ssp" else Poam)
