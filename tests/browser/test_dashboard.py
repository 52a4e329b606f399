"""The architecture dashboard in a real browser: staff see the whole platform live; a stopped
worker turns red with its reason within seconds; an order placed meanwhile is counted and its
trace is found."""

import re

from playwright.sync_api import expect

from ..support import (
    ROOT,
    SERVICES,
    dead_lettered_confirmation,
    eventually,
    new_product,
    notifications_in_db,
    place_order,
    registration_arrives,
    settled,
)

SCREENSHOT = ROOT / "docs" / "dashboard.png"


def _open(staff_context, open_page):
    page = open_page(staff_context)
    page.goto("/dashboard/")
    expect(page.locator("#freshness")).to_contain_text("Live: updated", timeout=15_000)
    return page


def test_staff_see_every_service_its_instances_database_and_workers(staff_context, open_page):
    page = _open(staff_context, open_page)
    assert page.title() == "Architecture dashboard · shop"
    for service in SERVICES:
        card = page.locator(f'.service[data-service="{service}"]')
        expect(card).to_be_visible()
        expect(card.locator(f'[data-part="{service}-db"]')).to_have_class(re.compile(r"\bup\b"))
        expect(card.locator(f'[data-part^="{service}-api-"]').first).to_have_class(re.compile(r"\bup\b"))
    for name in ("inventory-worker", "orders-worker", "notifications-worker", "orders-relay", "inventory-cpu-worker"):
        expect(page.locator(f'[data-part="{name}"]')).to_have_class(re.compile(r"\bup\b"))
    for name in ("gateway", "broker", "watchdog", "queue-orders.events"):
        expect(page.locator(f'[data-part="{name}"]')).to_have_class(re.compile(r"\bup\b"))
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)


def test_a_customer_is_refused(customer_context, open_page):
    page = open_page(customer_context)
    page.expect_status(403)
    response = page.goto("/dashboard/")
    assert response.status == 403
    expect(page.locator("h1")).to_have_text("Staff only")
    assert page.request.get("/dashboard/api/state/").status == 403


def test_a_stopped_worker_turns_red_with_its_reason_and_back(staff_context, open_page, stopped):
    page = _open(staff_context, open_page)
    worker = page.locator('[data-part="notifications-worker"]')
    expect(worker).to_have_class(re.compile(r"\bup\b"))
    stopped("notifications-worker")
    expect(worker).to_have_class(re.compile(r"\bdown\b"), timeout=10_000)
    expect(worker.locator(".reason")).to_contain_text("stopped")
    # The broker's own statistics lag by a few seconds.
    queue = page.locator('[data-part="queue-notifications.events"]')
    expect(queue).to_have_class(re.compile(r"\bdown\b"), timeout=15_000)
    expect(page.locator('[data-part="orders-worker"]')).to_have_class(re.compile(r"\bup\b"))  # the rest goes on


def test_an_order_placed_meanwhile_is_counted_and_its_trace_found(staff_context, open_page, gateway, staff, account):
    page = _open(staff_context, open_page)
    counted = page.locator("#orders-confirmed")
    before = int(counted.inner_text())
    product = new_product(gateway, staff, stock=5)
    order = place_order(gateway, account, [{"product_id": product["id"], "quantity": 1}]).json()
    assert settled(gateway, account, order["id"]) == "CONFIRMED"
    expect(counted).not_to_have_text(str(before), timeout=10_000)
    assert int(counted.inner_text()) >= before + 1

    page.fill("#trace-id", order["id"])
    page.click("#trace-form button")
    expect(page.locator("#trace-summary")).to_contain_text("spans across", timeout=10_000)
    services = set(page.locator("#trace tbody td[data-service]").all_inner_texts())
    assert {"orders", "inventory", "notifications"} <= services
    expect(page.locator("#trace tbody")).to_contain_text("publish orders.order.created")
    expect(page.locator("#trace tbody")).to_contain_text("handle orders.order.created")
    expect(page.locator("#trace tbody")).to_contain_text("send e-mail")


def test_a_dead_letter_is_listed_and_replayed_with_its_button(staff_context, open_page):
    user_id, confirmed = dead_lettered_confirmation()
    page = _open(staff_context, open_page)
    row = page.locator(f'#dead-letters tr[data-event-id="{confirmed["id"]}"]')
    expect(row).to_contain_text("RecipientUnknown", timeout=10_000)
    expect(row).to_contain_text("orders.order.confirmed")
    registration_arrives(user_id)  # the cause is fixed; the operator replays from the page
    row.get_by_role("button", name="Replay").click()
    expect(page.locator("#replay-result")).to_contain_text(f"Replayed orders.order.confirmed {confirmed['id']}")
    eventually(lambda: notifications_in_db(user_id, "order_confirmed") == 1)
    expect(row).to_have_count(0, timeout=10_000)  # replayed: no longer waiting
