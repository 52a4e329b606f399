"""The platform manifest (deploy/platform.toml): read it, and render what it describes.

    manifest.py services     the service names, one per line
    manifest.py consumers    the services that consume events, one per line
    manifest.py ports        every 127.0.0.1 port the processes listen on, one per line
    manifest.py supervisord  the supervisor configuration
    manifest.py upstreams    the gateway's upstream blocks (one machine: 127.0.0.1 ports;
                             --compose: the compose file's host names)

Python's standard library only: the set-up scripts run it before the virtualenv is complete.
"""

import sys
import tomllib
from pathlib import Path

MANIFEST = Path(__file__).with_name("platform.toml")


def load() -> dict:
    return tomllib.loads(MANIFEST.read_text())


def service_names() -> list[str]:
    return [service["name"] for service in load()["service"]]


def ports() -> list[int]:
    platform = load()
    found = [service["port"] for service in platform["service"]]
    found += [service["verify"]["port"] for service in platform["service"] if "verify" in service]
    return [*found, platform["flower"]["port"]]


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


def _program(name: str, command: str, directory: str, *, startsecs: int = 2, extra: str = "") -> str:
    return (
        f"\n[program:{name}]\ncommand={command}\ndirectory={directory}\nstartsecs={startsecs}\n{extra}"
        f"stopasgroup=true\nkillasgroup=true\n{LOGS}"
    )


def _gunicorn(name: str, project: str, pool: dict) -> str:
    command = (
        "%(ENV_SHOP_VENV)s/bin/gunicorn config.wsgi -c %(ENV_SHOP_ROOT)s/deploy/gunicorn.conf.py "
        f"--bind 127.0.0.1:{pool['port']} --workers {pool['workers']} --threads {pool['threads']} --name {name}"
    )
    return _program(name, command, f"%(ENV_SHOP_ROOT)s/{project}")


def supervisord() -> str:
    platform = load()
    parts = [SUPERVISORD_HEADER]
    for service in platform["service"]:
        name, project = service["name"], f"{service['name']}_project"
        parts.append(f"\n; ---- {name}")
        parts.append(_gunicorn(f"{name}-api", project, service))
        if "verify" in service:  # the token check, in a pool of its own: logins cannot starve it
            parts.append(_gunicorn(f"{name}-verify", project, service["verify"]))
        if service["relay"]:  # woken by NOTIFY; several may run
            command = "%(ENV_SHOP_VENV)s/bin/python manage.py run_outbox_relay"
            parts.append(_program(f"{name}-relay", command, f"%(ENV_SHOP_ROOT)s/{project}"))
        if service["consumes"]:  # its own queue and pool: a bulkhead
            command = (
                f"%(ENV_SHOP_VENV)s/bin/celery -A config worker -Q {name}.events --pool=threads "
                f"--concurrency={platform['worker']['concurrency']} --without-mingle --without-gossip "
                f"-n {name}@%%h --loglevel=INFO"
            )
            parts.append(
                _program(
                    f"{name}-worker", command, f"%(ENV_SHOP_ROOT)s/{project}", startsecs=3, extra="stopwaitsecs=30\n"
                )
            )
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
    """One upstream per pool, named as in the URL so routes can pick it by capture."""
    platform = load()

    def address(host: str, port: int) -> str:
        return f"{host}:8000" if compose else f"127.0.0.1:{port}"

    blocks = [
        "# Rendered from deploy/platform.toml by deploy/manifest.py: edit those.\n"
        "# Keepalive needs threaded gunicorn workers (sync workers close every connection).\n"
    ]
    for service in platform["service"]:
        name = service["name"]
        blocks.append(
            f"upstream {name} {{\n    server {address(f'{name}-api', service['port'])} max_fails=3 fail_timeout=5s;\n"
            "    keepalive 16;\n}\n"
        )
        if "verify" in service:
            blocks.append(
                f"upstream {name}_verify {{\n"
                f"    server {address(f'{name}-verify', service['verify']['port'])} max_fails=3 fail_timeout=5s;\n"
                "    keepalive 32;\n}\n"
            )
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
