"""Reserving stock for an order: all lines or none, never below zero, released on cancel."""

import uuid

import pytest

from inventory.models import Reservation, StockLevel, StockMovement
from inventory.services import stock_release, stock_reserve
from servicekit.models import OutboxEvent

pytestmark = pytest.mark.django_db


def level(product) -> StockLevel:
    return StockLevel.objects.get(pk=product.pk)


def test_all_lines_are_reserved_together(make_product):
    mug, tea = make_product(stock=5), make_product(stock=2)
    order_id = str(uuid.uuid4())
    lines = [{"product_id": str(mug.pk), "quantity": 3}, {"product_id": str(tea.pk), "quantity": 2}]
    assert stock_reserve(order_id=order_id, lines=lines) is True
    assert (level(mug).available, level(mug).reserved) == (2, 3)
    assert (level(tea).available, level(tea).reserved) == (0, 2)
    assert Reservation.objects.filter(order_id=order_id).count() == 2
    assert StockMovement.objects.filter(reference=order_id, kind="reservation").count() == 2
    assert OutboxEvent.objects.get(type="inventory.stock.reserved").payload == {"order_id": order_id, "lines": lines}


def test_one_short_line_reserves_nothing_and_says_why(make_product):
    mug, tea = make_product(stock=5), make_product(stock=1)
    order_id = str(uuid.uuid4())
    lines = [{"product_id": str(mug.pk), "quantity": 3}, {"product_id": str(tea.pk), "quantity": 2}]
    assert stock_reserve(order_id=order_id, lines=lines) is False
    assert (level(mug).available, level(tea).available) == (5, 1)
    assert not Reservation.objects.filter(order_id=order_id).exists()
    failed = OutboxEvent.objects.get(type="inventory.stock.reservation_failed")
    assert failed.payload["reasons"] == [
        {"product_id": str(tea.pk), "reason": "insufficient_stock", "requested": 2, "available": 1}
    ]


def test_an_unknown_product_fails_the_reservation(make_product):
    ghost = str(uuid.uuid4())
    assert stock_reserve(order_id=str(uuid.uuid4()), lines=[{"product_id": ghost, "quantity": 1}]) is False
    failed = OutboxEvent.objects.get(type="inventory.stock.reservation_failed")
    assert failed.payload["reasons"][0]["reason"] == "unknown_product"


def test_reserving_the_same_order_twice_changes_nothing(make_product):
    mug = make_product(stock=5)
    order_id = str(uuid.uuid4())
    lines = [{"product_id": str(mug.pk), "quantity": 2}]
    stock_reserve(order_id=order_id, lines=lines)
    stock_reserve(order_id=order_id, lines=lines)
    assert level(mug).available == 3


def test_cancelling_releases_what_was_reserved(make_product):
    mug = make_product(stock=5)
    order_id, user_id = str(uuid.uuid4()), str(uuid.uuid4())
    stock_reserve(order_id=order_id, lines=[{"product_id": str(mug.pk), "quantity": 2}])
    released = stock_release(order_id=order_id, user_id=user_id)
    assert released == [{"product_id": str(mug.pk), "quantity": 2}]
    assert (level(mug).available, level(mug).reserved) == (5, 0)
    assert Reservation.objects.get(order_id=order_id).status == "released"
    assert stock_release(order_id=order_id, user_id=user_id) == []  # nothing is released twice
    assert level(mug).available == 5
    event = OutboxEvent.objects.filter(type="inventory.stock.released").first()
    assert event.payload["user_id"] == user_id


def test_a_reservation_writes_its_ledger_rows_and_holds_each_line(make_product):
    mug, tea = make_product(stock=5), make_product(stock=4)
    before = level(mug).updated_at
    order_id = str(uuid.uuid4())
    stock_reserve(
        order_id=order_id,
        lines=[{"product_id": str(mug.pk), "quantity": 1}, {"product_id": str(tea.pk), "quantity": 4}],
    )
    held = {(str(r.product_id), r.quantity, r.status) for r in Reservation.objects.filter(order_id=order_id)}
    assert held == {(str(mug.pk), 1, "active"), (str(tea.pk), 4, "active")}
    ledger = {
        (str(m.product_id), m.kind, m.available_delta, m.reserved_delta, m.reason, m.actor_id)
        for m in StockMovement.objects.filter(reference=order_id)
    }
    assert ledger == {
        (str(mug.pk), "reservation", -1, 1, "reserved for order", ""),
        (str(tea.pk), "reservation", -4, 4, "reserved for order", ""),
    }
    assert level(mug).updated_at > before


def test_a_product_id_in_capitals_is_the_same_product(make_product):
    mug = make_product(stock=5)
    order_id = str(uuid.uuid4())
    assert stock_reserve(order_id=order_id, lines=[{"product_id": str(mug.pk).upper(), "quantity": 2}]) is True
    assert (level(mug).available, level(mug).reserved) == (3, 2)


def test_the_last_units_go_to_one_order_only(make_product):
    mug = make_product(stock=2)
    lines = [{"product_id": str(mug.pk), "quantity": 2}]
    assert stock_reserve(order_id=str(uuid.uuid4()), lines=lines) is True
    assert stock_reserve(order_id=str(uuid.uuid4()), lines=lines) is False
    assert (level(mug).available, level(mug).reserved) == (0, 2)
