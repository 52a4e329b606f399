"""Password guessing meets the gateway's strict sign-in limit; the API's budget is separate."""

import os
import time
import uuid

from .support import Gateway, assert_error_shape

# The gateway's sign-in limit (deploy/lib/common.sh): 3 r/s with a burst of 10.
LOGIN_RATE = float(os.environ.get("GATEWAY_LOGIN_RATE", "3r/s").removesuffix("r/s"))
LOGIN_BURST = int(os.environ.get("GATEWAY_LOGIN_BURST", "10"))


def test_login_brute_force_is_cut_off_with_429():
    time.sleep(LOGIN_BURST / LOGIN_RATE + 1)  # earlier tests signed in too: let the bucket refill
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
    assert statuses.count(401) >= LOGIN_BURST  # the burst was allowed, then cut off


def test_the_general_api_budget_is_not_spent_by_the_login_limit(gateway, account):
    limited = Gateway()
    while limited.post("/api/auth/login/", json={"email": "x@example.com", "password": "y"}).status_code != 429:
        pass
    assert gateway.get("/api/auth/me/", headers=account.auth).status_code == 200


def test_showing_the_sign_in_page_is_not_counted_as_a_sign_in():
    browser = Gateway()
    statuses = {browser.get("/auth/login/").status_code for _ in range(LOGIN_BURST * 3)}
    assert statuses == {200}
