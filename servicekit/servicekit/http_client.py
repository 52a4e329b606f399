"""The one way a service calls another synchronously.

Events are the default way services cooperate; the few synchronous calls that remain (reads
that need an answer now) go through `ServiceClient`:

- timeouts on connect and read, always;
- retries with exponential backoff and jitter, for idempotent methods only;
- every instance of the callee known by its URL: an idempotent call that cannot reach one
  instance goes to the next (instances are killed and restarted at any time);
- a circuit breaker whose state lives in Redis, shared by every instance of the calling
  service (each process keeps its own copy while Redis is away: circuit_storage.py): after
  `fail_max` failed calls the circuit opens and calls fail at once for `reset_timeout`
  seconds, instead of piling up threads on a dead dependency;
- a clear 503 (`dependency_unavailable`, naming the dependency and why) when it gives up;
- the caller's request id and identity passed on, with this service's own credential
  (service_auth.py), so the callee knows which service calls and on whose behalf.
"""

import itertools
import logging
import threading

import pybreaker
import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from .circuit_storage import SharedCircuitStorage, breaker_redis
from .errors import Unavailable
from .identity import GatewayIdentity
from .request_id import current_request_id
from .service_auth import SERVICE_TOKEN_HEADER, service_token
from .tracing import inject_headers

logger = logging.getLogger(__name__)


IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS"})


class DependencyUnavailable(Unavailable):
    """Another service cannot answer (down, too slow, or its circuit is open)."""


class _ServerError(Exception):
    """A 5xx answer: counts against the circuit, unlike a 4xx (the caller's mistake)."""


class ServiceClient:
    def __init__(
        self,
        name: str,
        base_urls: str | list[str],
        *,
        connect_timeout: float = 1.0,
        read_timeout: float = 3.0,
        retries: int = 2,
        fail_max: int = 5,
        reset_timeout: int = 30,
    ):
        self.name = name
        self.base_urls = [url.rstrip("/") for url in ([base_urls] if isinstance(base_urls, str) else base_urls)]
        self._next_instance = itertools.cycle(range(len(self.base_urls)))
        self._lock = threading.Lock()
        self.timeout = (connect_timeout, read_timeout)
        self.session = requests.Session()
        retry = Retry(
            total=retries,
            allowed_methods=IDEMPOTENT,
            status_forcelist=(502, 503, 504),
            backoff_factor=0.1,
            backoff_jitter=0.1,
            raise_on_status=False,
        )
        self.session.mount("http://", HTTPAdapter(max_retries=retry, pool_maxsize=16))
        self.session.mount("https://", HTTPAdapter(max_retries=retry, pool_maxsize=16))
        self.breaker = pybreaker.CircuitBreaker(
            fail_max=fail_max,
            reset_timeout=reset_timeout,
            exclude=[lambda exc: not isinstance(exc, _ServerError | requests.RequestException)],
            state_storage=SharedCircuitStorage(
                breaker_redis(settings.CACHES["default"]["LOCATION"]),
                namespace=f"{settings.SERVICE_NAME}:breaker:{name}",
            ),
            name=name,
        )

    def _headers(self, identity: GatewayIdentity | None) -> dict[str, str]:
        headers = {
            SERVICE_TOKEN_HEADER: service_token(self.name),
            "X-Request-ID": current_request_id(),
            "X-Forwarded-Proto": "https",
            "Accept": "application/json",
        }
        inject_headers(headers)  # the callee's span continues this trace
        if identity is not None:
            headers.update(
                {
                    "X-User-Id": identity.user_id,
                    "X-User-Email": identity.email,
                    "X-User-Is-Staff": "1" if identity.is_staff else "0",
                    "X-User-Is-Superuser": "1" if identity.is_superuser else "0",
                }
            )
        return headers

    def _instances(self, method: str) -> list[str]:
        """The instances to try, in turn: all of them (from the next in the rotation) for an
        idempotent method, only one otherwise (a POST is never sent twice)."""
        with self._lock:
            first = next(self._next_instance)
        rotation = self.base_urls[first:] + self.base_urls[:first]
        return rotation if method in IDEMPOTENT else rotation[:1]

    def _send(self, method: str, path: str, identity: GatewayIdentity | None, **kwargs) -> requests.Response:
        *others, last = self._instances(method)
        for base_url in others:
            try:
                return self._send_to(base_url, method, path, identity, **kwargs)
            except (requests.ConnectionError, requests.Timeout, _ServerError) as exc:
                logger.info("%s at %s failed (%s); trying its next instance", self.name, base_url, exc)
        return self._send_to(last, method, path, identity, **kwargs)

    def _send_to(self, base_url: str, method: str, path: str, identity, **kwargs) -> requests.Response:
        response = self.session.request(
            method, f"{base_url}{path}", headers=self._headers(identity), timeout=self.timeout, **kwargs
        )
        if response.status_code >= 500:
            raise _ServerError(f"{self.name} answered {response.status_code}")
        return response

    def request(self, method: str, path: str, *, identity: GatewayIdentity | None = None, **kwargs):
        """Send a request; 4xx answers are returned, every failure becomes a 503."""
        try:
            return self.breaker.call(self._send, method, path, identity, **kwargs)
        except pybreaker.CircuitBreakerError as exc:
            raise DependencyUnavailable(
                f"{self.name} is unavailable; retry later.", details={"dependency": self.name, "reason": "circuit_open"}
            ) from exc
        except (requests.RequestException, _ServerError) as exc:
            logger.warning("call to %s failed: %s", self.name, exc)
            raise DependencyUnavailable(
                f"{self.name} is unavailable; retry later.", details={"dependency": self.name, "reason": "call_failed"}
            ) from exc

    def get(self, path: str, *, identity: GatewayIdentity | None = None, params=None) -> requests.Response:
        return self.request("GET", path, identity=identity, params=params)
