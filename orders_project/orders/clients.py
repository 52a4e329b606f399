"""Calls from orders to other services: only inventory, only for products orders has not
heard of yet (an event still in flight, or a product older than the event flow), through
servicekit's resilient client (timeouts, retries for this idempotent GET, a circuit breaker
shared through Redis)."""

from functools import cache
from uuid import UUID

from django.conf import settings

from servicekit.http_client import DependencyUnavailable, ServiceClient
from servicekit.identity import GatewayIdentity


@cache
def inventory_client() -> ServiceClient:
    return ServiceClient("inventory", settings.INVENTORY_URLS, connect_timeout=0.5, read_timeout=2.0)


def inventory_products(*, product_ids: list[UUID], identity: GatewayIdentity) -> list[dict]:
    """Inventory's current view of these products (those it has; customers see active ones)."""
    response = inventory_client().get(
        "/api/inventory/products/",
        identity=identity,
        params={"ids": ",".join(str(pid) for pid in product_ids), "page_size": 100},
    )
    if response.status_code != 200:
        # A 4xx here is our request's fault, not the customer's: report it as unavailable.
        raise DependencyUnavailable("inventory refused the product lookup", details={"status": response.status_code})
    return response.json()["results"]
