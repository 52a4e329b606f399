"""Production mode (`DJANGO_ENV=production`, real secrets) passes Django's deployment checks
with no warning, for every service."""

import os
import secrets
import subprocess

import pytest

from ..support import ROOT, SERVICES


@pytest.mark.parametrize("service", SERVICES)
def test_check_deploy_is_clean_in_production(service):
    env = {
        **os.environ,
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "GATEWAY_SECRET": secrets.token_urlsafe(32),
        "DJANGO_ALLOWED_HOSTS": "shop.example",
    }
    result = subprocess.run(  # noqa: S603 (the service's own manage.py)
        [str(ROOT / ".venv" / "bin" / "python"), "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT / f"{service}_project",
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
