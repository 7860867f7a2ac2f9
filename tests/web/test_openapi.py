"""The published OpenAPI description matches what the API does (schemathesis)."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings

CHECK = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))


def test_the_description_is_published(client):
    document = client.get("/api/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    paths = {"/api/chat", "/api/eligibility", "/api/chat/{chat_id}/messages", "/api/chat/{chat_id}"}
    assert paths <= set(document["paths"])


def test_every_operation_conforms_to_the_description_and_never_fails(app):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 4
    for operation in operations:

        @CHECK
        @given(case=operation.as_strategy())
        def check(case) -> None:
            response = case.call()
            assert response.status_code < 500
            case.validate_response(response)

        check()
