"""Generated requests (schemathesis) against every service's OpenAPI schema, through the
gateway with a customer's valid token: no server error, no status code the schema does not
document, no response that breaks its schema. Bounded: a few examples per operation."""

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from ..support import CA_BUNDLE, GATEWAY_URL, SERVICES, Gateway, register_and_login
from .clients import gateway_from

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
EXAMPLES_PER_OPERATION = 12


def _schema(service: str):
    # The schema as the gateway serves it; requests go through the gateway too.
    return schemathesis.openapi.from_url(f"{GATEWAY_URL}/api/{service}/schema/?format=json", verify=CA_BUNDLE)


SCHEMAS = {service: _schema(service) for service in SERVICES}


@pytest.fixture(scope="module")
def customer():
    return register_and_login(Gateway())


@pytest.fixture(scope="module")
def client():
    """Its own loopback address: the generated sign-ins must not spend other tests' budget."""
    session = gateway_from("127.0.0.40")
    session.verify = CA_BUNDLE
    return session


def _run(case, customer, client):
    response = case.call(
        base_url=GATEWAY_URL,
        session=client,
        headers={"Authorization": f"Bearer {customer.access}"},
        allow_redirects=False,
        verify=CA_BUNDLE,
    )
    case.validate_response(response, checks=CHECKS)


_settings = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)


def _schema_test(service: str):
    @SCHEMAS[service].parametrize()
    @_settings
    def test(case, customer, client):
        _run(case, customer, client)

    test.__name__ = f"test_{service}_schema_holds"
    return test


for _service in SERVICES:  # one test per service, one case per operation of its schema
    globals()[f"test_{_service}_schema_holds"] = _schema_test(_service)
