"""The gateway refuses every forged token with a JSON 401, before any service sees it."""

import pytest

from servicekit.testing.forgery import FORGERIES, forged_tokens

from .support import assert_error_shape, newest_signing_key_pem, public_pem_of


@pytest.fixture(scope="module")
def forgeries(gateway):
    from .support import register_and_login

    account = register_and_login(gateway)
    signing_key = newest_signing_key_pem()
    return forged_tokens(account.access, private_key_pem=signing_key, public_key_pem=public_pem_of(signing_key))


@pytest.mark.parametrize("forgery", FORGERIES)
@pytest.mark.parametrize("path", ["/api/auth/me/", "/api/orders/"])
def test_forged_token_is_refused_at_the_gateway(gateway, forgeries, forgery, path):
    response = gateway.get(path, headers={"Authorization": f"Bearer {forgeries[forgery]}"})
    assert_error_shape(response, 401, "not_authenticated")


@pytest.mark.parametrize("forgery", ["tampered_payload", "alg_none"])
def test_forged_sso_cookie_does_not_open_an_admin(gateway, forgeries, forgery):
    response = gateway.get("/inventory/admin/", cookies={"shop_access": forgeries[forgery]})
    assert response.status_code == 302
    assert "/auth/login/?next=/inventory/admin/" in response.headers["Location"]
