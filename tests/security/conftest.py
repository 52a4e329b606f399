import pytest

from ..conftest import account, gateway, staff  # noqa: F401 (the shared fixtures)


def pytest_collection_modifyitems(items):
    """Key rotation retires the key every earlier token was signed with: it goes last."""
    items.sort(key=lambda item: "test_key_rotation" in item.nodeid)


@pytest.fixture(scope="session")
def settings_of():
    from ..support import service_env

    return service_env
