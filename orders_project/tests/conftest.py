"""Orders' own tests work on orders' own copy of the catalogue, seeded here as inventory's
events would keep it; asking inventory (another service) is covered end to end through the
gateway."""

import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from orders.selectors import ProductSnapshot
from orders.services import catalogue_remember

MUG = ProductSnapshot(uuid.uuid4(), "MUG-1", "Mug", Decimal("8.50"))
TEA = ProductSnapshot(uuid.uuid4(), "TEA-1", "Tea", Decimal("3.25"))


@pytest.fixture(autouse=True)
def fixed_catalogue(request):
    """MUG and TEA in orders' catalogue, for every test that uses the database."""
    if "django_db" not in request.keywords and "db" not in request.fixturenames:
        return
    request.getfixturevalue("db")
    for product in (MUG, TEA):
        catalogue_remember(
            product_id=product.id,
            sku=product.sku,
            name=product.name,
            price=product.price,
            is_active=True,
            changed_at=timezone.now(),
        )
