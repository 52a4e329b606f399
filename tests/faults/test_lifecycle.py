"""The machine's own lifecycle: after a reboot (or on a fresh machine whose servers were
installed but never started) PostgreSQL, Redis and RabbitMQ are all stopped; one `up` must
bring everything back. And `down` returns only once everything it started has stopped, so a
`down; up` never meets a port still taken."""

import socket
import subprocess

from bench.faults import postgres_cluster
from tests.support import (
    MANIFEST,
    ROOT,
    Gateway,
    eventually,
    new_product,
    place_order,
    query,
    register_and_login,
    settled,
)


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _stop_the_servers() -> None:
    postgres_cluster("stop")
    for command in (
        ["redis-cli", "-h", "127.0.0.1", "shutdown", "nosave"],
        ["rabbitmqctl", "-q", "stop"],  # the whole node, not just the application
    ):
        subprocess.run(command, check=True, timeout=120, capture_output=True)  # noqa: S603


def _manage_all(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (the project's own script)
        [str(ROOT / "manage_all.sh"), *args], capture_output=True, text=True, timeout=600, check=False
    )


def test_down_waits_for_everything_and_one_up_brings_back_a_rebooted_machine(staff):
    ports = [int(p) for p in MANIFEST.ports()]
    down = _manage_all("down")
    assert down.returncode == 0, down.stderr
    assert [port for port in [*ports, 8443, 8080] if _listening(port)] == []  # nothing left behind
    _stop_the_servers()
    assert not any(_listening(port) for port in (5432, 6379, 5672))

    up = _manage_all("up")
    assert up.returncode == 0, up.stdout[-3000:] + up.stderr[-3000:]
    assert "starting PostgreSQL" in up.stderr and "starting RabbitMQ" in up.stderr

    gateway = Gateway()
    eventually(lambda: gateway.get("/api/orders/readyz").status_code == 200, timeout=60)
    account = register_and_login(gateway)
    product = new_product(gateway, staff, stock=3)
    sql_known = "SELECT count(*) FROM orders_catalogueentry WHERE product_id = %s"
    eventually(lambda: query("orders", sql_known, [product["id"]])[0][0] == 1, timeout=60)
    placed = place_order(gateway, account, [{"product_id": product["id"], "quantity": 1}])
    assert placed.status_code == 201, placed.text
    assert settled(gateway, account, placed.json()["id"]) == "CONFIRMED"
