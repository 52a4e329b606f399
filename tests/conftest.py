import pytest

from .support import Gateway, register_and_login


@pytest.fixture(scope="session")
def gateway() -> Gateway:
    return Gateway()


@pytest.fixture
def account(gateway):
    """A freshly registered, signed-in customer."""
    return register_and_login(gateway)
