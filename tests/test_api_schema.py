"""schemathesis against /api/v1/openapi.json through the WSGI app: for every
operation, generated requests (valid and invalid) with a staff bearer token
never cause a server error, and every answer has a documented status code,
content type and a body that conforms to the documented schema.

Bounded to keep CI short: LINLI_SCHEMATHESIS_EXAMPLES examples per operation and
generation mode (default 15; .ci/run's PostgreSQL pass uses 10). Every operation of
the document is still walked in both modes, with derandomized examples; 30 per
operation made this one test a third of the SQLite pass."""
from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode, checks

from linli.cases import services as case_services
from linli.cases.models import Category, Source
from linli.org import services as org_services

EXAMPLES = int(os.environ.get("LINLI_SCHEMATHESIS_EXAMPLES", "15"))
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]


@pytest.fixture(scope="module")
def api_schema(django_db_setup, django_db_blocker):
    # Like Django's test client: the end of a request must not close the test's
    # database connection (its transaction holds the test data).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        # Built here, after the test settings apply (middleware reads them when loaded);
        # once for both generation modes (reading the document takes seconds).
        with django_db_blocker.unblock():
            schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
        yield schema
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def staff_headers(world):
    """A community staff token, with requests in several states so reads and actions reach the services."""
    repair = Category.objects.get(code="repair")
    cases = [case_services.case_create(node=world["X-B1-U1"], category=repair, description=f"楼道灯不亮 {i}",
                                       source=Source.QR) for i in range(3)]
    staff = world.person("community_c1")
    case_services.case_accept(case=cases[1], by=staff)
    case_services.case_accept(case=cases[2], by=staff)
    case_services.case_dispatch(case=cases[2], by=staff, to="property")
    _t, raw = org_services.api_token_create(person=staff, by=None)
    return {"Authorization": f"Bearer {raw}", "Host": "localhost"}


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_api_conforms_to_its_openapi_document(api_schema, staff_headers, mode):
    failures, operations = [], 0
    for result in api_schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck), phases=[Phase.generate, Phase.target, Phase.shrink])
        def run(case):
            case.call_and_validate(headers=staff_headers, checks=CHECKS)

        try:
            run()
        except Unsatisfiable:
            continue  # no invalid input exists for this operation (e.g. no parameters): nothing to test in this mode
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - reported below, one per operation
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    assert operations >= 25
    assert not failures, "\n\n".join(failures)
