import uuid

import pytest
from django.core import mail

from notifications.models import Notification
from notifications.services import notification_create
from servicekit.testing import api_client_as, assert_error
from servicekit.testing.api import ApiContract, CreateContract, ListContract

pytestmark = pytest.mark.django_db
URL = "/api/notifications/"


class TestNotificationsContract(ListContract, CreateContract, ApiContract):
    url = URL
    model = Notification
    create_data = {"user_id": str(uuid.uuid4()), "message": "Hello"}
    invalid_create_data = (
        ({"message": "no user"}, "user_id"),
        ({"user_id": "nope", "message": "x"}, "user_id"),
        ({"user_id": str(uuid.uuid4())}, "message"),
        ({"user_id": str(uuid.uuid4()), "message": "x", "kind": "shout"}, "kind"),
        ({"user_id": str(uuid.uuid4()), "message": "x", "email": "not-an-address"}, "email"),
    )
    # No UpdateContract: notifications are only marked read (below).

    def make_item(self, owner_id):
        return notification_create(user_id=owner_id, kind="announcement", message="hi")


def test_staff_announce_to_a_user_who_alone_sees_it():
    user_id = str(uuid.uuid4())
    response = api_client_as("staff").post(URL, {"user_id": user_id, "message": "Sale today"}, format="json")
    assert response.status_code == 201
    assert [n["message"] for n in api_client_as("customer", user_id=user_id).get(URL).json()["results"]] == [
        "Sale today"
    ]
    assert api_client_as("customer").get(URL).json()["results"] == []


def test_customers_cannot_send_notifications():
    before = Notification.objects.count()
    assert_error(
        api_client_as("customer").post(URL, {"user_id": str(uuid.uuid4()), "message": "x"}, format="json"), 403
    )
    assert Notification.objects.count() == before


def test_an_email_copy_is_sent_after_the_record_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification_create(user_id=uuid.uuid4(), kind="welcome", message="Welcome!", email="ada@example.com")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ada@example.com"]
    assert mail.outbox[0].subject == "Welcome to the shop"
    assert "Welcome!" in mail.outbox[0].body


def test_marking_read_and_the_unread_filter():
    user_id = str(uuid.uuid4())
    first = notification_create(user_id=user_id, kind="announcement", message="one")
    notification_create(user_id=user_id, kind="announcement", message="two")
    client = api_client_as("customer", user_id=user_id)
    marked = client.post(f"{URL}{first.pk}/read/")
    assert marked.status_code == 200 and marked.json()["read"] is True
    first_read_at = marked.json()["read_at"]
    assert client.post(f"{URL}{first.pk}/read/").json()["read_at"] == first_read_at
    assert [n["message"] for n in client.get(URL, {"unread": "true"}).json()["results"]] == ["two"]
    assert len(client.get(URL).json()["results"]) == 2


def test_nobody_marks_or_reads_someone_elses_notification():
    theirs = notification_create(user_id=uuid.uuid4(), kind="announcement", message="private")
    assert_error(api_client_as("customer").post(f"{URL}{theirs.pk}/read/"), 404)
    assert_error(api_client_as("customer").get(f"{URL}{theirs.pk}/"), 404)
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_browsable_api_renders_the_list_as_html_for_its_reader():
    user_id = str(uuid.uuid4())
    Notification.objects.create(user_id=user_id, kind="welcome", message="Hello there")
    client = api_client_as("customer", user_id=user_id)
    response = client.get("/api/notifications/?unread=true", HTTP_ACCEPT="text/html")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert b"Hello there" in response.content and b"customer@example.com" in response.content
