"""Clients of the gateway that come from a loopback address of their own (127.0.0.x), so that
a test can play several attackers, each with its own per-address budget at the gateway."""

from concurrent.futures import ThreadPoolExecutor

from requests.adapters import HTTPAdapter

from ..support import Gateway


class _SourceAddressAdapter(HTTPAdapter):
    def __init__(self, address: str):
        self._address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self._address, 0)
        super().init_poolmanager(*args, **kwargs)


def gateway_from(address: str) -> Gateway:
    client = Gateway()
    client.mount("https://", _SourceAddressAdapter(address))
    return client


def sign_in_attempts(attempts: list[tuple[Gateway, str, str]], *, concurrency: int) -> list:
    """POST /api/auth/login/ for each (client, email, password), `concurrency` at a time."""

    def attempt(item):
        client, email, password = item
        return client.post("/api/auth/login/", json={"email": email, "password": password})

    with ThreadPoolExecutor(concurrency) as pool:
        return list(pool.map(attempt, attempts))
