from decimal import Decimal

import pytest

from inventory.services import product_create


@pytest.fixture
def make_product(db):
    counter = iter(range(1, 100_000))

    def make(**fields):
        n = next(counter)
        fields.setdefault("sku", f"SKU-{n:05d}")
        fields.setdefault("name", f"Product {n}")
        fields.setdefault("price", Decimal("9.99"))
        fields.setdefault("stock", 10)
        return product_create(**fields)

    return make
