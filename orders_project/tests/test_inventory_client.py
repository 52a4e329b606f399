"""The resilient client against a dependency that is down (a closed port), with the circuit
state in the real Redis."""

import uuid

import pytest
from django_redis import get_redis_connection

from servicekit.http_client import DependencyUnavailable, ServiceClient
from servicekit.identity import GatewayIdentity

IDENTITY = GatewayIdentity(user_id=str(uuid.uuid4()), email="x@example.com")


@pytest.fixture
def dead_dependency():
    name = f"dead-{uuid.uuid4().hex[:8]}"
    client = ServiceClient(name, "http://127.0.0.1:9", retries=0, fail_max=3, reset_timeout=60)
    yield client
    redis = get_redis_connection("default")
    keys = list(redis.scan_iter(match=f"orders:breaker:{name}:*"))
    assert keys  # the circuit's state really lives in Redis
    redis.delete(*keys)


def test_a_dead_dependency_is_a_clear_503(dead_dependency):
    with pytest.raises(DependencyUnavailable) as failure:
        dead_dependency.get("/anything", identity=IDENTITY)
    assert failure.value.status == 503 and failure.value.code == "dependency_unavailable"
    assert failure.value.details == {"dependency": dead_dependency.name, "reason": "call_failed"}


def test_the_circuit_opens_after_repeated_failures_and_is_shared(dead_dependency):
    for _ in range(3):
        with pytest.raises(DependencyUnavailable):
            dead_dependency.get("/anything")
    with pytest.raises(DependencyUnavailable) as failure:
        dead_dependency.get("/anything")
    assert failure.value.details["reason"] == "circuit_open"
    # Another instance of the calling service sees the same open circuit (state in Redis).
    twin = ServiceClient(dead_dependency.name, "http://127.0.0.1:9", retries=0, fail_max=3, reset_timeout=60)
    assert twin.breaker.current_state == "open"


def test_the_breaker_keeps_breaking_while_redis_is_away(settings):
    """No Redis (a closed port): each process counts failures on its own copy of the circuit."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:9/0"},
    }
    name = f"dead-{uuid.uuid4().hex[:8]}"
    client = ServiceClient(name, "http://127.0.0.1:9", retries=0, fail_max=3, reset_timeout=60)
    for _ in range(3):
        with pytest.raises(DependencyUnavailable):
            client.get("/anything")
    with pytest.raises(DependencyUnavailable) as failure:
        client.get("/anything")
    assert failure.value.details["reason"] == "circuit_open"


def test_an_idempotent_call_goes_to_the_next_instance_when_one_is_down(live_server):
    """The first instance refuses connections; the second (a real server) answers."""
    client = ServiceClient(f"twins-{uuid.uuid4().hex[:8]}", ["http://127.0.0.1:9", live_server.url], retries=0)
    answers = [client.get("/api/orders/healthz").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 200]
    assert client.breaker.current_state == "closed"
