"""Key rotation, as an operator runs it: `rotate-keys` adds a signing key (the JWKS publishes
old and new), older tokens keep working until `rotate-keys --retire`, then are refused.
(Sorted last in this suite: retiring ends every token signed before the rotation.)"""

import jwt

from ..support import manage_all, register_and_login
from .test_revocation import refused_within


def kids(gateway) -> list[str]:
    response = gateway.get("/api/auth/jwks/")
    assert response.status_code == 200
    return [key["kid"] for key in response.json()["keys"]]


def test_rotate_then_retire(gateway):
    before = register_and_login(gateway)
    old_kid = jwt.get_unverified_header(before.access)["kid"]
    assert old_kid in kids(gateway)

    added = manage_all("rotate-keys")
    assert added.returncode == 0, added.stderr
    after = register_and_login(gateway)
    new_kid = jwt.get_unverified_header(after.access)["kid"]
    assert new_kid != old_kid
    assert {old_kid, new_kid} <= set(kids(gateway))
    # Tokens signed by the old key still work, access and refresh alike.
    assert gateway.get("/api/auth/me/", headers=before.auth).status_code == 200
    renewed = gateway.post("/api/auth/refresh/", json={"refresh": before.refresh})
    assert renewed.status_code == 200
    assert jwt.get_unverified_header(renewed.json()["access"])["kid"] == new_kid

    # Retiring so soon would cut off unexpired tokens: refused unless forced.
    early = manage_all("rotate-keys", "--retire")
    assert early.returncode != 0 and "force" in early.stderr
    retired = manage_all("rotate-keys", "--retire", "--force")
    assert retired.returncode == 0, retired.stderr
    assert old_kid not in kids(gateway)
    refused_within(gateway, before.access)
    assert gateway.get("/api/auth/me/", headers=after.auth).status_code == 200
