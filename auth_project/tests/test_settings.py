"""Production refuses to start with development values."""

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from servicekit.settings import refuse_development_values, service_settings

GOOD = "x" * 50


def test_good_production_values_pass():
    refuse_development_values(debug=False, secrets={"DJANGO_SECRET_KEY": GOOD}, allowed_hosts=["shop.example"])


@pytest.mark.parametrize(
    ("debug", "secret", "hosts"),
    [
        (True, GOOD, ["shop.example"]),
        (False, "dev-insecure-auth", ["shop.example"]),
        (False, "short", ["shop.example"]),
        (False, "", ["shop.example"]),
        (False, GOOD, ["*"]),
    ],
)
def test_development_values_are_refused(debug, secret, hosts):
    with pytest.raises(ImproperlyConfigured):
        refuse_development_values(debug=debug, secrets={"DJANGO_SECRET_KEY": secret}, allowed_hosts=hosts)


def test_production_without_a_secret_key_does_not_start(monkeypatch, tmp_path):
    monkeypatch.setenv("DJANGO_ENV", "production")
    monkeypatch.setenv("SHOP_ENV_DIR", str(tmp_path))  # no development env file to fall back on
    monkeypatch.delenv("DJANGO_SECRET_KEY", raising=False)
    with pytest.raises(ImproperlyConfigured):
        service_settings(name="auth", base_dir=Path(tmp_path) / "auth_project", apps=[])
