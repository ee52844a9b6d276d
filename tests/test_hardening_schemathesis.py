"""Property-based tests of the whole HTTP API from its own OpenAPI document (schemathesis, issue 11):
every operation gets generated requests (valid and invalid parameters, bodies, headers); no answer may
be a 5xx, and every status, media type, header and JSON body must be one the document declares.
Bounded so the run stays around a minute."""

from __future__ import annotations

import json
import re

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is a dev dependency (pip install -e '.[dev]')")

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.generation.modes import GenerationMode  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance, response_headers_conformance, response_schema_conformance, status_code_conformance)

from api.app import create_app  # noqa: E402
from api.settings import ServerSettings  # noqa: E402

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]
EXAMPLES_PER_OPERATION = 25
CONSTRAINT = re.compile(r'"(integer|number|boolean|minimum|maximum|minLength|maxLength|enum|pattern)"')
NEGATIVE_EXAMPLES_PER_OPERATION = 10


def test_every_operation_answers_as_documented(built_seed):
    """Each operation in turn (schemathesis' pytest fixture loader does not run under this pytest)."""
    app = create_app(settings=ServerSettings(graph=built_seed, query_workers=2, query_timeout=5))
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures, tested = [], []
    try:
        for result in schema.get_all_operations():
            operation = result.ok()
            tested.append(operation.label)
            try:
                exercise(operation)
            except (Exception, BaseExceptionGroup) as err:  # noqa: BLE001 - every operation is tried
                failures.append(f"{operation.label}: {err}")
    finally:
        app.state.services.close()
    assert len(tested) >= 20 and "POST /sparql" in tested
    assert not failures, "\n\n".join(failures)


def exercise(operation) -> None:
    """Valid requests, then (where parameters carry constraints to break) requests that break the
    schema, which must be refused with a 4xx."""
    generate(operation, GenerationMode.POSITIVE, EXAMPLES_PER_OPERATION)
    if constrained(operation):
        generate(operation, GenerationMode.NEGATIVE, NEGATIVE_EXAMPLES_PER_OPERATION)


def constrained(operation) -> bool:
    """True when a query parameter is typed or bounded (integers, lengths), so invalid values exist."""
    return any(CONSTRAINT.search(json.dumps(parameter.definition.get("schema", {}))) for parameter in operation.query)


def generate(operation, mode, examples: int) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    def run(case) -> None:
        case.call_and_validate(checks=CHECKS)
    run()
