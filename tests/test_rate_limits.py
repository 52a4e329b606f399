"""The gateway's sign-in limit spends only the sign-in budget (guessing itself: tests/security/)."""

import os
import uuid

from .support import Gateway

# The gateway's sign-in limit (deploy/lib/common.sh): 3 r/s with a burst of 10.
LOGIN_RATE = float(os.environ.get("GATEWAY_LOGIN_RATE", "3r/s").removesuffix("r/s"))
LOGIN_BURST = int(os.environ.get("GATEWAY_LOGIN_BURST", "10"))


def test_the_general_api_budget_is_not_spent_by_the_login_limit(gateway, account):
    limited = Gateway()
    # A new address each time: the gateway's per-address limit answers, not an account's lock.
    while True:
        email = f"x-{uuid.uuid4().hex[:8]}@example.com"
        response = limited.post("/api/auth/login/", json={"email": email, "password": "y"})
        if response.status_code == 429:
            break
    assert response.json()["error"]["code"] == "rate_limited"
    assert gateway.get("/api/auth/me/", headers=account.auth).status_code == 200


def test_showing_the_sign_in_page_is_not_counted_as_a_sign_in():
    browser = Gateway()
    statuses = {browser.get("/auth/login/").status_code for _ in range(LOGIN_BURST * 3)}
    assert statuses == {200}
