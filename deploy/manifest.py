"""The platform manifest (deploy/platform.toml): read it, and render what it describes.

    manifest.py services     the service names, one per line
    manifest.py consumers    the services that consume events, one per line
    manifest.py ports        every 127.0.0.1 port the processes listen on, one per line
    manifest.py urls NAME    the base URLs of one service's API instances, comma-separated
    manifest.py supervisord  the supervisor configuration
    manifest.py upstreams    the gateway's upstream blocks (one machine: 127.0.0.1 ports;
                             --compose: the compose file's host names)

Python's standard library only: the set-up scripts run it before the virtualenv is complete.
"""

import os
import sys
import tomllib
from pathlib import Path

MANIFEST = Path(__file__).with_name("platform.toml")


def load() -> dict:
    return tomllib.loads(MANIFEST.read_text())


def service_names() -> list[str]:
    return [service["name"] for service in load()["service"]]


def instance_ports(pool: dict) -> list[int]:
    """Instance n of a pool listens on its port + 10 * (n - 1)."""
    return [pool["port"] + 10 * n for n in range(pool.get("instances", 1))]


def pools(service: dict) -> list[tuple[str, dict]]:
    """A service's gunicorn pools by supervisor name: its API, and auth's token check."""
    found = [(f"{service['name']}-api", service)]
    if "verify" in service:  # the token check, in a pool of its own: logins cannot starve it
        found.append((f"{service['name']}-verify", service["verify"]))
    return found


def ports() -> list[int]:
    platform = load()
    found = [port for service in platform["service"] for _, pool in pools(service) for port in instance_ports(pool)]
    return [*found, platform["flower"]["port"]]


def urls(name: str) -> str:
    (service,) = [service for service in load()["service"] if service["name"] == name]
    return ",".join(f"http://127.0.0.1:{port}" for port in instance_ports(service))


SUPERVISORD_HEADER = """\
; Rendered from deploy/platform.toml by deploy/manifest.py (./manage_all.sh up): edit those.
; Every long-running process of the shop on one machine. manage_all.sh exports SHOP_ROOT,
; SHOP_VAR and SHOP_VENV before starting supervisord. Process names are what
; `./manage_all.sh status|stop|start|logs NAME` take.

[unix_http_server]
file=%(ENV_SHOP_VAR)s/run/supervisor.sock
chmod=0700

[supervisord]
logfile=%(ENV_SHOP_VAR)s/log/supervisord.log
logfile_maxbytes=10MB
pidfile=%(ENV_SHOP_VAR)s/run/supervisord.pid
childlogdir=%(ENV_SHOP_VAR)s/log
minfds=4096

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://%(ENV_SHOP_VAR)s/run/supervisor.sock
"""
LOGS = """redirect_stderr=true
stdout_logfile=%(ENV_SHOP_VAR)s/log/%(program_name)s.log
stdout_logfile_maxbytes=10MB
stdout_logfile_backups=3
"""


def _program(name: str, command: str, directory: str, *, startsecs: int = 2, extra: str = "", user: str = "") -> str:
    run_as = f"user={user}\n" if user else ""
    service = name.split("-")[0]
    if service in service_names():  # every process of a service adds to the service's metric files
        run_as += f'environment=PROMETHEUS_MULTIPROC_DIR="%(ENV_SHOP_VAR)s/metrics/{service}"\n'
    return (
        f"\n[program:{name}]\ncommand={command}\ndirectory={directory}\nstartsecs={startsecs}\n{run_as}{extra}"
        f"stopasgroup=true\nkillasgroup=true\n{LOGS}"
    )


def service_user(service: str) -> str:
    """The unprivileged user a service's processes run as (deploy/lib/service_user.sh), when
    `up` made them (SHOP_SERVICE_USERS=1); "" to run as whoever runs supervisord."""
    return f"shop-{service}" if os.environ.get("SHOP_SERVICE_USERS") == "1" else ""


def _gunicorn(name: str, project: str, pool: dict, user: str, *, nice: int = 0) -> str:
    """One program per instance (NAME-1, NAME-2, ...) in a group NAME: `stop NAME` stops them all."""
    parts, programs = [], []
    prefix = f"/usr/bin/nice -n {nice} " if nice else ""
    for number, port in enumerate(instance_ports(pool), start=1):
        program = f"{name}-{number}"
        command = (
            f"{prefix}%(ENV_SHOP_VENV)s/bin/gunicorn config.wsgi -c %(ENV_SHOP_ROOT)s/deploy/gunicorn.conf.py "
            f"--bind 127.0.0.1:{port} --workers {pool['workers']} --threads {pool['threads']} --name {program}"
        )
        parts.append(_program(program, command, f"%(ENV_SHOP_ROOT)s/{project}", user=user))
        programs.append(program)
    parts.append(f"\n[group:{name}]\nprograms={','.join(programs)}\n")
    return "".join(parts)


def api_nice(platform: dict) -> int:
    """The API pools' CPU priority under the saga's (platform.toml, [api])."""
    return int(platform.get("api", {}).get("nice", 0))


def worker_pool_options(pool: dict) -> str:
    """The Celery pool of a worker: `solo` (tasks run in the consumer's own thread) with a
    prefetch, or `threads` with a concurrency. Celery delivers multiplier x concurrency messages
    ahead, and its concurrency defaults to the number of cores: solo runs one at a time, so it is
    said (1) for the prefetch to be the one configured."""
    if pool.get("pool", "threads") == "solo":
        return f"--pool=solo --concurrency=1 --prefetch-multiplier={pool['prefetch']}"
    return f"--pool=threads --concurrency={pool['concurrency']}"


def _celery_worker(name: str, queue: str, pool: dict, node: str, directory: str, *, user: str, prefix: str = "") -> str:
    # Monitoring heartbeats (Flower's "online") every 10 s rather than Celery's 2 s: at rest they
    # were most of what the workers, Flower and RabbitMQ did. Flower counts a worker gone after
    # two missed ones.
    command = (
        f"{prefix}%(ENV_SHOP_VENV)s/bin/celery -A config worker -Q {queue} {worker_pool_options(pool)} "
        "--without-mingle --without-gossip --heartbeat-interval=10 "
        f"-n {node}@%%h --loglevel=INFO"
    )
    return _program(name, command, directory, startsecs=3, extra="stopwaitsecs=30\n", user=user)


def supervisord() -> str:
    platform = load()
    parts = [SUPERVISORD_HEADER]
    for service in platform["service"]:
        name, project = service["name"], f"{service['name']}_project"
        parts.append(f"\n; ---- {name}")
        for pool_name, pool in pools(service):
            parts.append(_gunicorn(pool_name, project, pool, service_user(name), nice=api_nice(platform)))
        directory = f"%(ENV_SHOP_ROOT)s/{project}"
        if service["relay"]:  # woken by NOTIFY; several may run
            command = "%(ENV_SHOP_VENV)s/bin/python manage.py run_outbox_relay"
            parts.append(_program(f"{name}-relay", command, directory, user=service_user(name)))
        if service["consumes"]:  # its own queue and pool: a bulkhead
            worker = _celery_worker(
                f"{name}-worker", f"{name}.events", platform["worker"], name, directory, user=service_user(name)
            )
            parts.append(worker)
        if "cpu_worker" in service:  # CPU-heavy jobs: their own queue, bounded and niced (a bulkhead)
            cpu = service["cpu_worker"]
            worker = _celery_worker(
                f"{name}-cpu-worker",
                f"{name}.cpu",
                cpu,
                f"{name}-cpu",
                directory,
                user=service_user(name),
                prefix=f"/usr/bin/nice -n {cpu['nice']} ",
            )
            parts.append(worker)
    parts.append("\n; ---- alive means making progress: restarts a worker or relay that has stopped moving")
    watchdog = "%(ENV_SHOP_VENV)s/bin/python %(ENV_SHOP_ROOT)s/deploy/watchdog.py run"
    parts.append(_program("watchdog", watchdog, "%(ENV_SHOP_VAR)s"))
    parts.append("\n; ---- the gateway: the only public listener")
    parts.append(
        _program(
            "gateway",
            '/usr/sbin/nginx -p %(ENV_SHOP_VAR)s/nginx -c %(ENV_SHOP_VAR)s/gateway/nginx.conf -g "daemon off;"',
            "%(ENV_SHOP_VAR)s",
            startsecs=1,
            extra="stopsignal=QUIT\n",
        )
    )
    parts.append("\n; ---- Flower: every service's workers and queues, at /flower/ behind the gateway (staff only)")
    flower = (
        "%(ENV_SHOP_ROOT)s/deploy/with_env.sh %(ENV_SHOP_VAR)s/env/flower.env %(ENV_SHOP_VENV)s/bin/celery "
        f"--config flower_config flower --address=127.0.0.1 --port={platform['flower']['port']} "
        "--url_prefix=flower --purge_offline_workers=300"
    )
    parts.append(
        _program(
            "flower",
            flower,
            "%(ENV_SHOP_VAR)s",
            startsecs=3,
            extra='environment=PYTHONPATH="%(ENV_SHOP_ROOT)s/deploy"\n',
        )
    )
    return "".join(parts)


def upstreams(*, compose: bool = False) -> str:
    """One upstream per pool, named as in the URL so routes can pick it by capture, with a
    server per instance (compose: one name, which Docker's DNS resolves to every replica)."""
    platform = load()
    blocks = [
        "# Rendered from deploy/platform.toml by deploy/manifest.py: edit those.\n"
        "# Keepalive needs threaded gunicorn workers (sync workers close every connection).\n"
        "# An instance that refuses or drops connections is skipped for a few seconds; the request\n"
        "# goes to the next one (proxy_next_upstream in nginx.conf).\n"
    ]
    for service in platform["service"]:
        for pool_name, pool in pools(service):
            upstream = pool_name.replace("-api", "").replace("-", "_")
            servers = [f"{pool_name}:8000"] if compose else [f"127.0.0.1:{port}" for port in instance_ports(pool)]
            lines = "".join(f"    server {server} max_fails=2 fail_timeout=3s;\n" for server in servers)
            blocks.append(f"upstream {upstream} {{\n{lines}    keepalive {8 * pool['threads']};\n}}\n")
    flower = f"{'flower' if compose else '127.0.0.1'}:{platform['flower']['port']}"
    blocks.append(f"upstream flower {{\n    server {flower};\n    keepalive 4;\n}}\n")
    return "\n".join(blocks)


def main(argv: list[str]) -> int:
    command = argv[0] if argv else ""
    if command == "services":
        print("\n".join(service_names()))
    elif command == "consumers":
        print("\n".join(service["name"] for service in load()["service"] if service["consumes"]))
    elif command == "ports":
        print("\n".join(str(port) for port in ports()))
    elif command == "urls" and len(argv) == 2:
        print(urls(argv[1]))
    elif command == "supervisord":
        sys.stdout.write(supervisord())
    elif command == "upstreams":
        sys.stdout.write(upstreams(compose="--compose" in argv))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
