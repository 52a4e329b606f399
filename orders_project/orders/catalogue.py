"""What orders knows about products at order time: its own copy of the catalogue.

Inventory announces every product change (`inventory.product.changed`); orders keeps the
latest as a `CatalogueEntry`, so an order can be placed — and wait PENDING — while
inventory is away. Only a product orders has not heard of yet (an event still in flight,
or a product older than the event flow) is looked up synchronously, through servicekit's
resilient client (timeouts, retries for this idempotent GET, a circuit breaker shared
through Redis); what that answer says is kept too.
"""

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.utils.dateparse import parse_datetime

from servicekit.http_client import DependencyUnavailable, ServiceClient
from servicekit.identity import GatewayIdentity

from .models import CatalogueEntry


@dataclass(frozen=True)
class ProductSnapshot:
    id: UUID
    sku: str
    name: str
    price: Decimal


@transaction.atomic
def catalogue_remember(*, product_id, sku: str, name: str, price, is_active: bool, changed_at) -> bool:
    """Keep the newest news of a product; returns whether this was news."""
    changed_at = parse_datetime(changed_at) if isinstance(changed_at, str) else changed_at
    entry = CatalogueEntry.objects.select_for_update().filter(pk=product_id).first()
    if entry is not None and entry.changed_at >= changed_at:
        return False  # a late, older event: the copy is already newer
    CatalogueEntry.objects.update_or_create(
        product_id=product_id,
        defaults={"sku": sku, "name": name, "price": Decimal(price), "is_active": is_active, "changed_at": changed_at},
    )
    return True


@cache
def inventory_client() -> ServiceClient:
    return ServiceClient("inventory", settings.INVENTORY_URL, connect_timeout=0.5, read_timeout=2.0)


def _ask_inventory(product_ids: list[UUID], identity: GatewayIdentity) -> None:
    response = inventory_client().get(
        "/api/inventory/products/",
        identity=identity,
        params={"ids": ",".join(str(pid) for pid in product_ids), "page_size": 100},
    )
    if response.status_code != 200:
        # A 4xx here is our request's fault, not the customer's: report it as unavailable.
        raise DependencyUnavailable("inventory refused the product lookup", details={"status": response.status_code})
    for row in response.json()["results"]:
        catalogue_remember(
            product_id=row["id"],
            sku=row["sku"],
            name=row["name"],
            price=row["price"],
            is_active=row["is_active"],
            changed_at=row["updated_at"],
        )


def products_by_id(*, product_ids: list[UUID], identity: GatewayIdentity) -> dict[UUID, ProductSnapshot]:
    """The active products among `product_ids`, from the local copy (asking inventory only
    for those never heard of)."""
    entries = CatalogueEntry.objects.in_bulk(product_ids)
    unknown = [pid for pid in product_ids if pid not in entries]
    if unknown:
        _ask_inventory(unknown, identity)
        entries = CatalogueEntry.objects.in_bulk(product_ids)
    return {
        entry.pk: ProductSnapshot(entry.pk, entry.sku, entry.name, entry.price)
        for entry in entries.values()
        if entry.is_active
    }
