"""Forms: one validation for pages and the API, poam's own messages, each shown at its field.

A refused form comes back with the message next to the input it is about (``aria-invalid``,
``aria-describedby`` pointing at it), the user's input kept, and never a raw error such as
``requirement: ''``.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from poam.web.api.schemas import EntryFields
from poam.web.workbench.forms import errors_of
from poam.web.workbench.forms.fields import IsoDateField, LettersField, LinesField
from poam.web.workbench.forms.poam import EntryForm, PoamSettingsForm
from poam.web.workbench.forms.ssp import SspRequirementForm, SystemForm
from poam.web.workbench.models import Entry, PoamDocument, SspRequirement, System
from tests.web.conftest import AS_OF

HTMX = {"HTTP_HX_REQUEST": "true"}


def field_error(page: str, input_id: str) -> str:
    """The message shown at an input, checking that the input points at it."""
    tag = re.search(rf'<[^>]*\bid="{re.escape(input_id)}"[^>]*>', page)
    assert tag is not None, f"no input {input_id}"
    assert 'aria-invalid="true"' in tag[0] and f'aria-describedby="{input_id}-error"' in tag[0]
    shown = re.search(rf'<p class="field-error" id="{re.escape(input_id)}-error">(.*?)</p>', page)
    assert shown is not None, f"no message at {input_id}"
    return re.sub(r"<[^>]+>", "", shown[1]).replace("&#x27;", "'")


def test_a_new_entry_is_refused_at_its_fields(login: Any, world: Any) -> None:
    poam = PoamDocument.objects.get(system=world.system, kind="internal")
    client = login(world.users["editor"])
    page = client.post(
        f"/poams/{poam.pk}/entries/new/",
        {"requirement": "", "gap": "Kept as typed", "status": "done", "milestone_due": "soon"},
    )
    body = page.content.decode()
    assert page.status_code == 422
    assert field_error(body, "n-req") == "an entry covers a requirement"
    assert field_error(body, "n-status") == "'done' is not an entry status"
    assert field_error(body, "n-md") == "'soon' is not a date (YYYY-MM-DD)"
    assert field_error(body, "n-mt") == "a milestone needs a title"
    assert "Kept as typed" in body and "requirement: ''" not in body
    page = client.post(f"/poams/{poam.pk}/entries/new/", {"requirement": "9.9.9", "gap": "x"})
    assert field_error(page.content.decode(), "n-req") == (
        "'9.9.9' is not a NIST SP 800-171 requirement"
    )
    assert not Entry.objects.filter(poam=poam, gap="Kept as typed").exists()


def test_an_entry_edit_is_refused_at_its_fields_with_the_input_kept(login: Any, world: Any) -> None:
    entry = Entry.objects.get(poam__system=world.system, item_id="POAM-004", deleted_at=None)
    page = login(world.users["editor"]).post(
        f"/entries/{entry.pk}/edit/",
        {"requirement": "3.99", "owner": "Typed owner", "version": entry.version},
    )
    body = page.content.decode()
    assert page.status_code == 422
    assert field_error(body, "e-req") == "'3.99' is not a NIST SP 800-171 requirement"
    assert 'value="Typed owner"' in body and 'value="3.99"' in body
    entry.refresh_from_db()
    assert entry.requirement != "3.99" and entry.owner != "Typed owner"


def test_the_system_description_is_refused_at_its_fields(login: Any, world: Any) -> None:
    system = world.system
    page = login(world.users["editor"]).post(
        f"/systems/{system.pk}/ssp/info/",
        {"name": " ", "cage_codes": "1ABC2 TOOLONG", "version": system.version},
    )
    body = page.content.decode()
    assert page.status_code == 422
    assert field_error(body, "si-name") == "a system needs a name"
    assert field_error(body, "si-cage") == "TOOLONG: a CAGE code is 5 letters or digits"
    assert 'value="1ABC2 TOOLONG"' in body
    assert System.objects.get(pk=system.pk).version == system.version


def test_poam_settings_are_refused_at_their_fields(login: Any, world: Any) -> None:
    poam = PoamDocument.objects.get(system=world.system, kind="internal")
    page = login(world.users["editor"]).post(
        f"/poams/{poam.pk}/settings/",
        {"maintainer": "Jane Doe", "review_cadence_days": "0", "version": poam.version},
    )
    body = page.content.decode()
    assert page.status_code == 422
    assert field_error(body, "ps-c") == "a number of days, 1 or more"
    poam.refresh_from_db()
    assert poam.maintainer != "Jane Doe"


def test_an_ssp_row_is_refused_at_its_fields(login: Any, world: Any) -> None:
    system = world.system
    record = SspRequirement.objects.get(system=system, requirement="3.1.10")
    client = login(world.users["editor"])
    data = {"status": "", "full": "1", "version": record.version, "objective-a": "maybe"}
    for extra in (HTMX, {}):  # the row in place, and the page without scripts
        page = client.post(f"/systems/{system.pk}/ssp/3.1.10/", data, **extra)
        body = page.content.decode()
        assert page.status_code == 422
        assert field_error(body, "st-req-3-1-10") == "a status is required"
        assert field_error(body, "ob-req-3-1-10") == (
            "'maybe' is not met, not-met or not-applicable"
        )
    record.refresh_from_db()
    assert record.version == 1


def test_organization_forms_are_refused_at_their_fields(login: Any, world: Any) -> None:
    client = login(world.users["administrator"])
    page = client.post(f"/orgs/{world.org.slug}/systems/new/", {"name": ""})
    assert page.status_code == 422
    assert field_error(page.content.decode(), "sys-name") == "a system needs a name"
    # Members join by invitation now (test_invitations.py); the add-member form is gone.


@pytest.mark.parametrize(
    ("form", "data", "field", "message"),
    [
        (EntryForm, {"item_id": ""}, "item_id", "an entry needs an id"),
        (EntryForm, {"requirement": "03.01.01"}, "requirement", "NIST SP 800-171 Rev 3 numbering"),
        (EntryForm, {"status": "done"}, "status", "'done' is not an entry status"),
        (EntryForm, {"created": "2026-13-01"}, "created", "'2026-13-01' is not a date"),
        (EntryForm, {"assignee": "999999"}, "assignee", "must be a member of this organization"),
        (EntryForm, {"colour": "red"}, "__all__", "unknown fields: colour"),
        (SystemForm, {"scope": "galaxy"}, "scope", "scope is enterprise, enclave or contract"),
        (SystemForm, {"ssp_version": ""}, "ssp_version", "the SSP needs a version"),
        (PoamSettingsForm, {"review_cadence_days": "x"}, "review_cadence_days", "1 or more"),
        (
            PoamSettingsForm,
            {"conditional_status_date": "2026-01-01"},
            "__all__",
            "only the Conditional POA&M has a Conditional status date",
        ),
    ],
)
def test_poams_messages(
    world: Any, form: Any, data: dict[str, Any], field: str, message: str
) -> None:
    poam = PoamDocument.objects.get(system=world.system, kind="internal")
    instance: Any = {
        EntryForm: Entry(poam=poam),
        SystemForm: world.system,
        PoamSettingsForm: poam,
    }[form]
    kwargs = {"poam": poam} if form is EntryForm else {}
    bound = form(data, instance=instance, only=data, **kwargs)
    assert not bound.is_valid()
    assert any(message in m for m in errors_of_form(bound)[field]), errors_of_form(bound)


def errors_of_form(form: Any) -> dict[str, list[str]]:
    from django.core.exceptions import ValidationError

    return errors_of(ValidationError(form.errors.as_data()))


def test_requirement_record_messages(world: Any) -> None:
    from poam.core.catalog import load_catalog

    catalog = load_catalog()
    record = SspRequirement(system=world.system, requirement="3.1.1")
    form = SspRequirementForm(
        {"mfa": "all", "objectives": {"z": "met"}, "status": "sort-of"},
        requirement=catalog.get("3.1.1"),
        instance=record,
        only={"mfa", "objectives", "status"},
    )
    assert not form.is_valid()
    errors = errors_of_form(form)
    assert errors["mfa"] == ["mfa applies only to IA.L2-3.5.3"]
    assert errors["objectives"] == ["AC.L2-3.1.1 has no objective 'z' (it has a, b, c, d, e, f)"]
    assert errors["status"] == ["'sort-of' is not a status"]


def test_page_text_and_api_json_are_read_the_same() -> None:
    lines, letters, day = LinesField(), LettersField(), IsoDateField(required=False)
    assert lines.clean("- Buy it\n\n* Deploy it \n") == lines.clean(["Buy it", " Deploy it"])
    assert letters.clean("a, C") == letters.clean(["a", "c"]) == ["a", "c"]
    assert day.clean("2026-11-20") == day.clean(AS_OF) == date(2026, 11, 20)


def test_the_api_and_the_form_name_the_same_entry_fields() -> None:
    """The entry's fields are listed once (the form); the API's schema takes them from it."""
    assert set(EntryFields.model_fields) == set(EntryForm.Meta.fields)


def error_summary(page: str) -> list[tuple[str | None, str]]:
    """The summary above a refused form: (the input it links to, the words) per problem."""
    found = re.search(r'<div class="error-summary" role="alert">(.*?)</div>', page, re.S)
    assert found is not None, "no error summary"
    items = re.findall(r"<li>(.*?)</li>", found[1], re.S)
    out = []
    for item in items:
        link = re.match(r'<a href="#([^"]+)">(.*)</a>$', item, re.S)
        target, words = (link[1], link[2]) if link else (None, item)
        out.append((target, re.sub(r"<[^>]+>", "", words).replace("&#x27;", "'")))
    return out


def test_a_refused_form_has_a_summary_at_the_top_linking_each_field(login: Any, world: Any) -> None:
    """Every problem listed above the form in words, naming the field by its label (never its
    code name, as in ``requirement: ''``), each linking to the input, whose message and
    ``aria-invalid`` are at the field."""
    poam = PoamDocument.objects.get(system=world.system, kind="internal")
    client = login(world.users["editor"])
    page = client.post(
        f"/poams/{poam.pk}/entries/new/",
        {"requirement": "", "status": "done", "milestone_due": "soon"},
    )
    body = page.content.decode()
    summary = error_summary(body)
    assert ("n-req", "Requirement: an entry covers a requirement") in summary
    assert ("n-status", "Status: 'done' is not an entry status") in summary
    assert ("n-md", "Due date: 'soon' is not a date (YYYY-MM-DD)") in summary
    assert body.index('class="error-summary"') < body.index('<form method="post" class="grid-form"')
    assert "Fix these 4 problems" in body
    for target, _words in summary:
        assert target is not None and field_error(body, target)  # each link reaches its input
    assert not re.search(r"\b(requirement|status|due): ", body.split("<main", 1)[1])


def test_an_entry_page_summary_links_to_the_refused_fields(login: Any, world: Any) -> None:
    entry = Entry.objects.get(poam__system=world.system, item_id="POAM-004", deleted_at=None)
    body = (
        login(world.users["editor"])
        .post(
            f"/entries/{entry.pk}/edit/",
            {"requirement": "3.99", "item_id": " ", "version": entry.version},
        )
        .content.decode()
    )
    summary = error_summary(body)
    assert ("e-req", "Requirement: '3.99' is not a NIST SP 800-171 requirement") in summary
    assert ("e-id", "Entry id: an entry needs an id") in summary


def test_an_ssp_row_summary_links_inside_the_row(login: Any, world: Any) -> None:
    record = SspRequirement.objects.get(system=world.system, requirement="3.1.10")
    body = (
        login(world.users["editor"])
        .post(
            f"/systems/{world.system.pk}/ssp/3.1.10/",
            {"status": "", "full": "1", "version": record.version},
            **HTMX,
        )
        .content.decode()
    )
    assert error_summary(body) == [("st-req-3-1-10", "Status: a status is required")]
