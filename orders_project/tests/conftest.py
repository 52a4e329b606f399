"""Orders' own tests stand in a fixed catalogue for the inventory service (another service,
not infrastructure); the real call is covered end to end through the gateway."""

import uuid
from decimal import Decimal

import pytest

from orders import catalogue
from orders.catalogue import ProductSnapshot

MUG = ProductSnapshot(uuid.uuid4(), "MUG-1", "Mug", Decimal("8.50"))
TEA = ProductSnapshot(uuid.uuid4(), "TEA-1", "Tea", Decimal("3.25"))
CATALOGUE = {MUG.id: MUG, TEA.id: TEA}


@pytest.fixture(autouse=True)
def fixed_catalogue(monkeypatch):
    calls = []

    def products_by_id(*, product_ids, identity):
        calls.append(list(product_ids))
        return {pid: CATALOGUE[pid] for pid in product_ids if pid in CATALOGUE}

    monkeypatch.setattr(catalogue, "products_by_id", products_by_id)
    return calls
