"""The API tried with schemathesis: every operation of the OpenAPI document, with valid and
invalid input, as a viewer, an editor and an administrator, with read and write tokens.

Bounded and deterministic: at most :data:`EXAMPLES` cases per operation and generation mode,
derandomized (the same cases every run), no example database, no network (the WSGI
application is called in-process). Each answer must not be a server error (5xx) and must
conform to the response schema the document declares for its status. Path parameters are
half the time an object that exists (the sample system, its entries, milestones, evidence), so
that the hostile bodies reach the services, not only the 404 of an unknown id.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance

from poam.web.workbench.models import ApiToken, EntryEvidence, EntryMilestone, TokenScope

EXAMPLES = int(os.environ.get("POAM_FUZZ_EXAMPLES", "25"))
"""Cases per operation and mode (the suite's bound; raise it by hand to look harder)."""
ROLES = ("viewer", "editor", "administrator")
SCHEMA = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]  # type: ignore[union-attr]
CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """The WSGI handler closes the database connection after each request (as a server should);
    the test's transaction lives on it, so, as Django's test client does, keep it open."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _tokens(world: Any) -> dict[tuple[str, str], str]:
    tokens = {}
    for role in ROLES:
        for scope in (TokenScope.READ, TokenScope.WRITE):
            _token, clear = ApiToken.issue(world.users[role], f"fuzz {scope}", scope=scope)
            tokens[(role, str(scope))] = clear
    return tokens


def _real_ids(world: Any) -> dict[str, list[Any]]:
    system = world.system
    milestones = list(
        EntryMilestone.objects.filter(entry__poam__system=system).values_list("pk", flat=True)
    )
    evidence = list(
        EntryEvidence.objects.filter(entry__poam__system=system).values_list("pk", flat=True)
    )
    entries = list(system.poams.values_list("entries__pk", flat=True))
    return {
        "system_id": [system.pk],
        "entry_id": [pk for pk in entries if pk is not None][:5],
        "milestone_id": milestones[:5],
        "evidence_id": evidence[:5],
        "nist_id": ["3.1.1", "3.5.3", "3.12.4"],
        "key": ["ssp-yaml", "poam-yaml", "oscal-ssp", "report-pdf"],
        "index": [0, 1],
    }


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.label)
def test_no_server_error_and_every_answer_as_declared(world: Any, operation: Any) -> None:
    tokens = _tokens(world)
    real = _real_ids(world)

    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(
            case=operation.as_strategy(generation_mode=mode),
            who=st.sampled_from(sorted(tokens)),
            use_real=st.booleans(),
            pick=st.integers(min_value=0, max_value=4),
        )
        def run(case: Any, who: tuple[str, str], use_real: bool, pick: int) -> None:
            if use_real and case.path_parameters:
                for name in list(case.path_parameters):
                    choices = real.get(name)
                    if choices:
                        case.path_parameters[name] = choices[pick % len(choices)]
            headers = {"Authorization": f"Bearer {tokens[who]}"}
            with warnings.catch_warnings():
                # the in-process transport never closes a streamed file (a server does)
                warnings.simplefilter("ignore", ResourceWarning)
                response = case.call(headers=headers)
                case.validate_response(response, checks=CHECKS, headers=headers)
                del response  # freed (and its file closed) while the warning is ignored

        run()
