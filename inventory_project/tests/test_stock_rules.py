"""Stock can never go negative: the service refuses, and the database refuses too."""

import threading

import pytest
from django.db import IntegrityError, connection, transaction

from inventory.models import StockLevel
from inventory.services import InsufficientStock, stock_adjust


@pytest.mark.django_db
def test_the_database_refuses_negative_stock(make_product):
    product = make_product(stock=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockLevel.objects.filter(pk=product.pk).update(available=-1)


@pytest.mark.django_db(transaction=True)
def test_concurrent_removals_never_oversell(make_product):
    product = make_product(stock=10)
    outcomes: list[str] = []

    def remove_three():
        try:
            stock_adjust(product_id=product.pk, delta=-3, reason="concurrent")
            outcomes.append("ok")
        except InsufficientStock:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=remove_three) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("ok") == 3 and outcomes.count("refused") == 3
    assert StockLevel.objects.get(pk=product.pk).available == 1
