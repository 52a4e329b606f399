"""Tokens die when they should: logout and a password change end access tokens at the
gateway within seconds, and a reused refresh token ends its whole family."""

import time

from ..support import PASSWORD, Gateway, login, query, register_and_login

REVOKED_WITHIN_SECONDS = 5


def refused_within(gateway: Gateway, access: str, seconds: float = REVOKED_WITHIN_SECONDS) -> float:
    """Seconds until the gateway refuses `access` (fails after `seconds`)."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        response = gateway.get("/api/auth/me/", headers={"Authorization": f"Bearer {access}"})
        if response.status_code == 401:
            assert response.json()["error"]["code"] == "not_authenticated"
            return time.monotonic() - started
        assert response.status_code == 200, response.text
        time.sleep(0.1)
    raise AssertionError(f"the gateway still accepted the token after {seconds} s")


def test_logout_ends_the_access_token_of_that_session_only(gateway):
    account = register_and_login(gateway)
    other_session = login(gateway, account.email, PASSWORD)
    assert gateway.get("/api/orders/", headers=account.auth).status_code == 200  # cached as valid
    response = gateway.post("/api/auth/logout/", json={"refresh": account.refresh}, headers=account.auth)
    assert response.status_code == 204
    refused_within(gateway, account.access)
    other = {"Authorization": f"Bearer {other_session['access']}"}
    assert gateway.get("/api/auth/me/", headers=other).status_code == 200


def test_a_password_change_ends_every_access_token(gateway):
    account = register_and_login(gateway)
    second = login(gateway, account.email, PASSWORD)
    changed = gateway.post(
        "/api/auth/password/",
        json={"old_password": PASSWORD, "new_password": "a-brand-new-passphrase"},
        headers=account.auth,
    )
    assert changed.status_code == 204, changed.text
    for access in (account.access, second["access"]):
        refused_within(gateway, access)
    assert gateway.post("/api/auth/refresh/", json={"refresh": second["refresh"]}).status_code == 401


def test_reusing_a_rotated_refresh_token_ends_the_family_and_is_logged(gateway):
    account = register_and_login(gateway)
    renewed = gateway.post("/api/auth/refresh/", json={"refresh": account.refresh})
    assert renewed.status_code == 200
    time.sleep(2.5)  # past the grace for two renewals racing (REFRESH_REUSE_GRACE_SECONDS)
    stolen = gateway.post("/api/auth/refresh/", json={"refresh": account.refresh})
    assert stolen.status_code == 401
    # The legitimate holder's newest tokens are dead too: the family is over.
    assert gateway.post("/api/auth/refresh/", json={"refresh": renewed.json()["refresh"]}).status_code == 401
    refused_within(gateway, renewed.json()["access"])
    events = query(
        "auth",
        "select e.kind, e.details->>'family_revoked' from accounts_securityevent e "
        "join accounts_user u on u.id = e.user_id where u.email = %s",
        (account.email,),
    )
    assert events == [("refresh_reused", "true")]
