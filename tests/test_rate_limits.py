"""Password guessing meets the gateway's strict sign-in limit; the API's budget is separate."""

import uuid

from .support import Gateway, assert_error_shape


def test_login_brute_force_is_cut_off_with_429():
    attacker = Gateway()
    email = f"victim-{uuid.uuid4().hex[:8]}@example.com"
    statuses = []
    for attempt in range(40):
        response = attacker.post("/api/auth/login/", json={"email": email, "password": f"guess-{attempt}"})
        statuses.append(response.status_code)
        if response.status_code == 429:
            error = assert_error_shape(response, 429, "rate_limited")
            assert error["message"]
            assert response.headers["Retry-After"] == "1"
            break
    assert 429 in statuses, statuses
    assert set(statuses[:-1]) == {401}  # guesses before the limit were answered, and wrong


def test_the_general_api_budget_is_not_spent_by_the_login_limit(gateway, account):
    limited = Gateway()
    while limited.post("/api/auth/login/", json={"email": "x@example.com", "password": "y"}).status_code != 429:
        pass
    assert gateway.get("/api/auth/me/", headers=account.auth).status_code == 200
