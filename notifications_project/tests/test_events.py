"""What each event tells the user, and waiting for a user we have not heard of yet."""

import uuid

import pytest
from django.core import mail

from notifications.models import Notification, Recipient
from notifications.services import RecipientUnknown
from servicekit.events.consumer import apply_event
from servicekit.testing import event_envelope as envelope

pytestmark = pytest.mark.django_db(transaction=True)  # e-mail goes out on commit


def register(user_id: str, email: str = "ada@example.com") -> None:
    apply_event(envelope("auth.user.registered", {"user_id": user_id, "email": email, "full_name": "Ada"}))


def test_a_new_user_is_remembered_welcomed_and_mailed():
    user_id = str(uuid.uuid4())
    register(user_id)
    assert Recipient.objects.get(user_id=user_id).email == "ada@example.com"
    assert Notification.objects.get(user_id=user_id).kind == "welcome"
    assert mail.outbox[-1].to == ["ada@example.com"]


def test_an_order_confirmation_is_shown_and_mailed():
    user_id, order_id = str(uuid.uuid4()), str(uuid.uuid4())
    register(user_id)
    apply_event(envelope("orders.order.confirmed", {"order_id": order_id, "user_id": user_id, "total": "12.00"}))
    notification = Notification.objects.get(user_id=user_id, kind="order_confirmed")
    assert order_id.split("-")[0] in notification.message and "12.00" in notification.message
    assert mail.outbox[-1].subject == "Your order is confirmed"


def test_a_rejection_says_why():
    user_id = str(uuid.uuid4())
    register(user_id)
    reasons = [{"product_id": "p", "reason": "insufficient_stock"}]
    apply_event(
        envelope("orders.order.rejected", {"order_id": str(uuid.uuid4()), "user_id": user_id, "reasons": reasons})
    )
    assert "not enough in stock" in Notification.objects.get(user_id=user_id, kind="order_rejected").message


def test_stock_released_tells_the_user_the_order_is_cancelled():
    user_id = str(uuid.uuid4())
    register(user_id)
    apply_event(envelope("inventory.stock.released", {"order_id": str(uuid.uuid4()), "user_id": user_id, "lines": []}))
    assert Notification.objects.filter(user_id=user_id, kind="order_cancelled").exists()


def test_an_unknown_user_is_an_error_to_retry_and_leaves_nothing_behind():
    user_id = str(uuid.uuid4())
    event = envelope("orders.order.confirmed", {"order_id": str(uuid.uuid4()), "user_id": user_id, "total": "1.00"})
    with pytest.raises(RecipientUnknown):
        apply_event(event)
    assert not Notification.objects.filter(user_id=user_id).exists()
    register(user_id)  # the registration arrives late
    assert apply_event(event) is True
    assert Notification.objects.filter(user_id=user_id, kind="order_confirmed").count() == 1


def test_a_changed_address_is_where_the_next_e_mail_goes():
    user_id = str(uuid.uuid4())
    register(user_id)
    apply_event(
        envelope(
            "auth.user.changed",
            {"user_id": user_id, "email": "moved@example.com", "full_name": "Ada L", "is_active": True},
        )
    )
    recipient = Recipient.objects.get(user_id=user_id)
    assert (recipient.email, recipient.full_name) == ("moved@example.com", "Ada L")
