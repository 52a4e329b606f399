"""Seeds 20 demo products with stock when the catalogue is empty (idempotent)."""

from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction

from inventory.models import Product
from inventory.services import product_create

DEMO_PRODUCTS = [
    ("MUG-001", "Enamel mug", "8.50"),
    ("MUG-002", "Stoneware mug", "12.00"),
    ("TEA-001", "Assam loose tea 250 g", "9.90"),
    ("TEA-002", "Sencha green tea 100 g", "11.40"),
    ("COF-001", "House espresso beans 1 kg", "24.00"),
    ("COF-002", "Decaf filter coffee 500 g", "13.75"),
    ("KET-001", "Stovetop kettle", "39.00"),
    ("PRS-001", "French press 1 l", "29.50"),
    ("GRD-001", "Hand burr grinder", "54.00"),
    ("CUP-001", "Glass cup set of 4", "18.00"),
    ("SPN-001", "Brass tea spoons set of 6", "15.60"),
    ("TWL-001", "Linen tea towel", "7.20"),
    ("TRY-001", "Oak serving tray", "32.00"),
    ("FLT-001", "Paper filters x100", "4.30"),
    ("DRP-001", "Ceramic dripper", "21.00"),
    ("SCL-001", "Brewing scale", "27.90"),
    ("CAN-001", "Airtight coffee canister", "16.80"),
    ("CHO-001", "Drinking chocolate 300 g", "8.95"),
    ("HNY-001", "Wildflower honey 450 g", "10.50"),
    ("BSC-001", "Oat biscuits 200 g", "3.80"),
]


class Command(BaseCommand):
    help = "Create the 20 demo products with stock, when there are no products yet."

    @transaction.atomic
    def handle(self, *args, **options):
        if Product.objects.exists():
            return
        for index, (sku, name, price) in enumerate(DEMO_PRODUCTS):
            product_create(sku=sku, name=name, price=Decimal(price), stock=10 + 5 * (index % 10))
        self.stdout.write(f"seeded {len(DEMO_PRODUCTS)} demo products")
