"""The services' processes run as unprivileged users, one per service, and a service's
secrets are readable by that service alone."""

import os
import pwd
import stat

import pytest

from ..support import MANIFEST, SERVICES, VAR, manage_all


def _programs() -> dict[str, int]:
    """Supervisor program name → pid, from `status`."""
    lines = manage_all("status").stdout.splitlines()
    return {
        line.split()[0].split(":")[-1]: int(line.split("pid ")[1].split(",")[0]) for line in lines if "pid " in line
    }


def _owner(pid: int) -> str:
    return pwd.getpwuid(os.stat(f"/proc/{pid}").st_uid).pw_name


def _service_of(program: str) -> str | None:
    return next((svc for svc in SERVICES if program.startswith(f"{svc}-")), None)


def test_every_api_relay_and_worker_process_runs_as_its_services_own_user():
    programs = {name: pid for name, pid in _programs().items() if _service_of(name)}
    assert len(programs) >= len(SERVICES) * 3, programs  # APIs (two each), relays, workers
    owners = {name: _owner(pid) for name, pid in programs.items()}
    assert owners == {name: f"shop-{_service_of(name)}" for name in programs}
    # Their children too (gunicorn's workers, Celery's pool).
    for name, pid in programs.items():
        for child in (p for p in os.listdir("/proc") if p.isdigit()):
            try:
                parent = int(open(f"/proc/{child}/stat").read().rsplit(")", 1)[1].split()[1])  # noqa: SIM115
            except (FileNotFoundError, ProcessLookupError, IndexError):
                continue
            if parent == pid:
                assert _owner(int(child)) == f"shop-{_service_of(name)}"


@pytest.mark.parametrize("service", SERVICES)
def test_a_services_secrets_are_its_own(service):
    for path in (VAR / "env" / f"{service}.env", VAR / "keys" / "services" / f"{service}.key"):
        info = path.stat()
        assert pwd.getpwuid(info.st_uid).pw_name == f"shop-{service}", path
        assert stat.S_IMODE(info.st_mode) == 0o600, path


def test_only_auth_reads_the_token_signing_keys():
    ring = VAR / "keys" / "jwt"
    assert pwd.getpwuid(ring.stat().st_uid).pw_name == "shop-auth"
    assert stat.S_IMODE(ring.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(key.stat().st_mode) == 0o600 for key in ring.glob("*.pem"))


def test_the_manifest_names_a_user_for_every_service_program():
    rendered = MANIFEST.supervisord() if os.environ.get("SHOP_SERVICE_USERS") == "1" else None
    if rendered is None:  # render as `up` does
        os.environ["SHOP_SERVICE_USERS"] = "1"
        try:
            rendered = MANIFEST.supervisord()
        finally:
            del os.environ["SHOP_SERVICE_USERS"]
    for block in rendered.split("[program:")[1:]:
        name = block.split("]")[0]
        if _service_of(name):
            assert f"user=shop-{_service_of(name)}\n" in block, name
