"""Each service publishes a valid OpenAPI 3 document that documents its errors."""

import pytest
from openapi_spec_validator import validate

from .support import SERVICES


@pytest.mark.parametrize("service", SERVICES)
def test_the_schema_is_valid_openapi_3(gateway, service):
    response = gateway.get(f"/api/{service}/schema/", params={"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    validate(schema)
    assert schema["openapi"].startswith("3.")
    assert schema["paths"]


@pytest.mark.parametrize("service", SERVICES)
def test_every_operation_documents_its_error_responses(gateway, service):
    schema = gateway.get(f"/api/{service}/schema/", params={"format": "json"}).json()
    assert "Error" in schema["components"]["schemas"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"401", "403", "429", "503"} <= codes, (path, method)
            if method in ("post", "put", "patch"):
                assert "400" in codes, (path, method)


@pytest.mark.parametrize("service", SERVICES)
def test_the_docs_page_is_served(gateway, service):
    response = gateway.get(f"/api/{service}/docs/")
    assert response.status_code == 200
    assert "swagger-ui" in response.text
