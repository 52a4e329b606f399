"""Orders' copy of the catalogue: kept from events, newest news wins, and inventory is asked
only about products orders has never heard of."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from orders import clients
from orders.models import CatalogueEntry
from orders.services import catalogue_lookup, catalogue_remember
from servicekit.events.consumer import apply_event
from servicekit.identity import GatewayIdentity
from servicekit.testing import event_envelope

pytestmark = pytest.mark.django_db
IDENTITY = GatewayIdentity(user_id=str(uuid.uuid4()), email="x@example.com")


def changed(product_id, *, price="5.00", is_active=True, at=None) -> dict:
    payload = {
        "product_id": str(product_id),
        "sku": "SKU-1",
        "name": "Thing",
        "price": price,
        "is_active": is_active,
        "updated_at": (at or timezone.now()).isoformat(),
    }
    return event_envelope("inventory.product.changed", payload, producer="inventory")


def test_product_events_keep_the_copy_and_older_news_is_ignored():
    product_id, now = uuid.uuid4(), timezone.now()
    apply_event(changed(product_id, price="5.00", at=now))
    apply_event(changed(product_id, price="4.00", at=now - timedelta(seconds=1)))  # late, older
    assert CatalogueEntry.objects.get(pk=product_id).price == Decimal("5.00")
    apply_event(changed(product_id, price="6.00", at=now + timedelta(seconds=1)))
    assert CatalogueEntry.objects.get(pk=product_id).price == Decimal("6.00")


def test_known_products_need_no_call_to_inventory(monkeypatch):
    asked = []
    monkeypatch.setattr(clients, "inventory_products", lambda product_ids, identity: asked.append(product_ids) or [])
    product_id = uuid.uuid4()
    catalogue_remember(
        product_id=product_id, sku="S", name="N", price="2.50", is_active=True, changed_at=timezone.now()
    )
    found = catalogue_lookup(product_ids=[product_id], identity=IDENTITY)
    assert found[product_id].price == Decimal("2.50")
    assert asked == []


def test_only_unknown_products_are_asked_for_and_inactive_ones_are_not_sold(monkeypatch):
    known, unknown, retired = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    for product_id, active in ((known, True), (retired, False)):
        catalogue_remember(
            product_id=product_id, sku="S", name="N", price="1.00", is_active=active, changed_at=timezone.now()
        )
    asked = []
    monkeypatch.setattr(clients, "inventory_products", lambda product_ids, identity: asked.append(product_ids) or [])
    found = catalogue_lookup(product_ids=[known, unknown, retired], identity=IDENTITY)
    assert asked == [[unknown]]
    assert set(found) == {known}
