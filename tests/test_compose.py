"""The staging compose file is validated (there is no container engine here to run it)."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from .support import MANIFEST, ROOT

COMPOSE = ROOT / "compose" / "docker-compose.yml"
ENV_EXAMPLE = ROOT / "compose" / "env.example"


@pytest.fixture(scope="module")
def example_env(tmp_path_factory) -> Path:
    filled = tmp_path_factory.mktemp("compose") / ".env"
    lines = [re.sub(r"\s*#.*", "", line) for line in ENV_EXAMPLE.read_text().splitlines()]
    filled.write_text("\n".join(line + ("x" * 40 if line.endswith("=") else "") for line in lines if line))
    return filled


@pytest.fixture(scope="module")
def rendered(example_env) -> dict:
    result = subprocess.run(  # noqa: S603
        [
            shutil.which("docker-compose") or "docker-compose",
            "-f",
            str(COMPOSE),
            "--env-file",
            str(example_env),
            "config",
        ],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin", "SHOP_SECRETS_DIR": str(ROOT / "var")},
    )
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def test_the_compose_file_is_valid_and_needs_every_secret(example_env):
    # Without the secrets it refuses to render: no service falls back to a default secret.
    result = subprocess.run(  # noqa: S603
        [shutil.which("docker-compose") or "docker-compose", "-f", str(COMPOSE), "config", "-q"],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert result.returncode != 0
    assert "Missing mandatory value" in result.stderr


def test_only_the_gateway_publishes_ports(rendered):
    publishing = {name for name, service in rendered["services"].items() if service.get("ports")}
    assert publishing == {"gateway"}


def test_every_long_running_service_has_a_healthcheck(rendered):
    for name, service in rendered["services"].items():
        if name.endswith(("-migrate", "-relay", "-worker")) or name in ("gateway", "flower"):
            continue  # one-shot jobs, and processes supervised by their restart policy
        assert "healthcheck" in service, name


def test_every_process_of_the_one_machine_layout_has_a_container(rendered):
    """A pool's instances (inventory-api-1, -2) are one compose service with as many replicas."""
    programs, pools = set(), {}
    config = MANIFEST.supervisord()
    for line in config.splitlines():
        if line.startswith("[program:"):
            programs.add(line.removeprefix("[program:").rstrip("]"))
    for pool, members in re.findall(r"^\[group:(.+)\]\nprograms=(.+)$", config, flags=re.MULTILINE):
        pools[pool] = members.split(",")
        programs -= set(pools[pool])
    assert pools, "every API pool runs as a group of instances"
    # The watchdog restarts stalled processes through supervisor; compose has no supervisor
    # (its restart policies and health checks are the orchestrator's part).
    programs.discard("watchdog")
    assert programs | set(pools) <= set(rendered["services"])
    for pool, members in pools.items():
        assert rendered["services"][pool]["deploy"]["replicas"] == len(members), pool


def test_services_run_in_production_mode_with_their_own_credentials(rendered):
    for name in ("auth-api", "inventory-api", "orders-api", "notifications-api"):
        env = rendered["services"][name]["environment"]
        service = name.removesuffix("-api")
        assert env["DJANGO_ENV"] == "production"
        assert f"shop_{service}:" in env["DATABASE_URL"] and env["DATABASE_URL"].endswith(f"/shop_{service}")
        assert f"shop_{service}:" in env["REDIS_URL"]
        assert f"shop_{service}:" in env["BROKER_URL"]


def test_every_path_the_dockerfile_copies_exists():
    dockerfile = (ROOT / "compose" / "Dockerfile").read_text()
    for source in re.findall(r"^COPY (?!--from)(\S+)", dockerfile, flags=re.MULTILINE):
        assert (ROOT / source).exists(), source


def test_the_compose_file_runs_the_services_of_the_platform_manifest(rendered):
    """Compose is written by hand for staging; the manifest is the source: they must agree."""
    names = MANIFEST.service_names()
    services = rendered["services"]
    for service in MANIFEST.load()["service"]:
        name = service["name"]
        assert f"{name}-api" in services, name
        assert (f"{name}-relay" in services) == service["relay"], name
        assert (f"{name}-worker" in services) == service["consumes"], name
        assert services[f"{name}-api"]["environment"]["SHOP_SERVICES"] == ",".join(names)
    assert services["gateway"]["environment"]["SERVICE_NAMES"] == "|".join(names)
    rabbitmq_start = (ROOT / "compose" / "rabbitmq-start.sh").read_text()
    for service in MANIFEST.load()["service"]:
        role = "consumer" if service["consumes"] else "producer"
        assert f"{service['name']}:{role}" in rabbitmq_start


def test_event_workers_run_the_manifest_s_pool_in_compose_and_on_this_machine(rendered):
    """The manifest chooses each worker's Celery pool; compose and the running workers follow it."""
    platform = MANIFEST.load()
    events_pool = MANIFEST.worker_pool_options(platform["worker"])
    inventory = next(service for service in platform["service"] if service["name"] == "inventory")
    cpu_pool = MANIFEST.worker_pool_options(inventory["cpu_worker"])
    assert events_pool in " ".join(rendered["services"]["orders-worker"]["command"])
    assert cpu_pool in " ".join(rendered["services"]["inventory-cpu-worker"]["command"])
    running = _celery_worker_command_lines()
    for service in platform["service"]:
        if service["consumes"]:
            (worker,) = [line for line in running if f"-Q {service['name']}.events " in line]
            assert events_pool in worker, service["name"]
    (cpu_worker,) = [line for line in running if "-Q inventory.cpu " in line]
    assert cpu_pool in cpu_worker


def test_api_pools_run_below_the_saga_in_compose_and_on_this_machine(rendered):
    """On a saturated machine the saga (event workers, relays) outranks the API pools, so that
    accepted orders are settled before new ones are taken: every thread of every gunicorn
    process runs at the manifest's nice, the saga's at 0; in compose, a lower CPU weight."""
    nice = MANIFEST.api_nice(MANIFEST.load())
    assert nice > 0
    by_role: dict[str, set[int]] = {"api": set(), "saga": set()}
    for pid, line in _command_lines().items():
        role = "api" if "/gunicorn config.wsgi" in line else "saga" if " -Q " in line and ".events " in line else None
        role = role or ("saga" if "run_outbox_relay" in line else None)
        if role:
            by_role[role] |= _thread_nice_values(pid)
    assert by_role["api"] == {nice}
    assert by_role["saga"] == {0}
    assert rendered["services"]["orders-api"]["cpu_shares"] < 1024
    assert "cpu_shares" not in rendered["services"]["orders-worker"]


def _thread_nice_values(pid: int) -> set[int]:
    values = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            stat = (task / "stat").read_text()
        except OSError:
            continue  # ended meanwhile
        values.add(int(stat.rsplit(")", 1)[1].split()[16]))  # field 19: nice
    return values


def _command_lines() -> dict[int, str]:
    lines = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            lines[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue  # ended meanwhile
    return lines


def _celery_worker_command_lines() -> list[str]:
    return [line for line in _command_lines().values() if "/celery " in line and " worker " in line]
