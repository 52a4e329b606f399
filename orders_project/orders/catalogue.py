"""What orders needs to know about products at order time, read from inventory.

This is the synchronous call that remains: an order copies each product's name, SKU and
price as sold, and needs them now. It goes through servicekit's resilient client (timeouts,
retries for this idempotent GET, a circuit breaker shared through Redis).
"""

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from uuid import UUID

from django.conf import settings

from servicekit.http_client import DependencyUnavailable, ServiceClient
from servicekit.identity import GatewayIdentity


@dataclass(frozen=True)
class ProductSnapshot:
    id: UUID
    sku: str
    name: str
    price: Decimal


@cache
def inventory_client() -> ServiceClient:
    return ServiceClient("inventory", settings.INVENTORY_URL, connect_timeout=0.5, read_timeout=2.0)


def products_by_id(*, product_ids: list[UUID], identity: GatewayIdentity) -> dict[UUID, ProductSnapshot]:
    """The active products among `product_ids`, as the caller may see them."""
    response = inventory_client().get(
        "/api/inventory/products/",
        identity=identity,
        params={"ids": ",".join(str(pid) for pid in product_ids), "page_size": 100},
    )
    if response.status_code != 200:
        # A 4xx here is our request's fault, not the customer's: report it as unavailable.
        raise DependencyUnavailable("inventory refused the product lookup", details={"status": response.status_code})
    return {
        UUID(row["id"]): ProductSnapshot(UUID(row["id"]), row["sku"], row["name"], Decimal(row["price"]))
        for row in response.json()["results"]
    }
