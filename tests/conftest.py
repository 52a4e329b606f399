import pytest

from .support import Account, Gateway, SignedInStaff, login, manage_all, register_and_login, secret


@pytest.fixture(scope="session")
def gateway() -> Gateway:
    return Gateway()


@pytest.fixture
def account(gateway):
    """A freshly registered, signed-in customer."""
    return register_and_login(gateway)


@pytest.fixture(scope="session")
def staff(gateway) -> Account:
    """The demo staff user, signed in through the API."""
    tokens = login(gateway, "admin@shop.local", secret("DEMO_ADMIN_PASSWORD"))
    me = gateway.get("/api/auth/me/", headers={"Authorization": f"Bearer {tokens['access']}"}).json()
    assert me["is_staff"] is True
    return SignedInStaff(gateway, id=me["id"], email=me["email"], password="", **tokens)


@pytest.fixture
def stopped():
    """Stop processes for a test (by supervisor name) and always start them again after."""
    names = []

    def stop(name: str):
        result = manage_all("stop", name)
        assert result.returncode == 0, result.stderr
        names.append(name)

    yield stop
    for name in names:
        manage_all("start", name)
