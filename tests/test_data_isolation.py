"""Each service owns its data: its database role reaches only its own database, its Redis
user only its own keys, and it has its own RabbitMQ user on the shop's vhost."""

import itertools

import psycopg
import pytest
import redis
from kombu import Connection

from .support import SERVICES, VAR, read_env_file


def service_env(service: str) -> dict[str, str]:
    return read_env_file(VAR / "env" / f"{service}.env")


def database_url_for(role_of: str, database_of: str) -> str:
    url = service_env(role_of)["DATABASE_URL"]
    return url.rsplit("/", 1)[0] + f"/shop_{database_of}"


@pytest.mark.parametrize("service", SERVICES)
def test_a_role_reaches_its_own_database(service):
    with psycopg.connect(database_url_for(service, service), connect_timeout=3) as conn:
        assert conn.execute("SELECT current_database()").fetchone()[0] == f"shop_{service}"


@pytest.mark.parametrize(("role_of", "database_of"), list(itertools.permutations(SERVICES, 2)))
def test_a_role_is_refused_by_every_other_database(role_of, database_of):
    with pytest.raises(psycopg.OperationalError, match="permission denied for database"):
        psycopg.connect(database_url_for(role_of, database_of), connect_timeout=3)


@pytest.mark.parametrize(("owner", "intruder"), list(itertools.permutations(SERVICES, 2))[:4])
def test_a_redis_user_cannot_touch_another_services_keys(owner, intruder):
    own = redis.Redis.from_url(service_env(owner)["REDIS_URL"])
    own.set(f"{owner}:isolation-probe", "mine", ex=30)
    other = redis.Redis.from_url(service_env(intruder)["REDIS_URL"])
    with pytest.raises(redis.exceptions.NoPermissionError):
        other.get(f"{owner}:isolation-probe")
    with pytest.raises(redis.exceptions.NoPermissionError):
        other.flushdb()


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_has_its_own_broker_user_on_the_shop_vhost(service):
    url = service_env(service)["BROKER_URL"]
    assert f"shop_{service}:" in url and url.endswith("/shop")
    with Connection(url, connect_timeout=3) as conn:
        conn.ensure_connection(max_retries=1)
        assert conn.connected
    with pytest.raises(Exception, match=r"ACCESS_REFUSED|Login was refused|403"):
        Connection(url.replace(f"shop_{service}:", f"shop_{service}:wrong"), connect_timeout=3).ensure_connection(
            max_retries=1
        )
