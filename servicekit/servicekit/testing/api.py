"""Declarative contract tests of collection endpoints, in the manner of netbox's API tests:
a test case opts in to what its endpoint supports (ListContract, CreateContract,
UpdateContract) on top of ApiContract."""

import uuid

import pytest

from . import api_client_as, assert_error


@pytest.mark.django_db
class ApiContract:
    """Declarative checks of one collection endpoint, in the manner of netbox's API tests.

    A test case names the collection URL, the model and how to make an item, then opts in to
    what its endpoint supports by adding the mixins below (ListContract, CreateContract,
    UpdateContract); each brings the checks of its permissions, validation and storage.
    """

    url: str
    model: type

    def make_item(self, owner_id: str):
        """Create one item visible to `owner_id` and return it."""
        raise NotImplementedError

    def item_url(self, item) -> str:
        return f"{self.url}{item.pk}/"

    def client(self, role: str):
        return api_client_as(role, user_id=self.owner_id if role != "anonymous" else None)

    @pytest.fixture(autouse=True)
    def _owner(self):
        self.owner_id = str(uuid.uuid4())

    def test_anonymous_callers_are_refused(self):
        item = self.make_item(self.owner_id)
        client = self.client("anonymous")
        assert_error(client.get(self.url), 401, "not_authenticated")
        assert_error(client.get(self.item_url(item)), 401, "not_authenticated")

    def test_an_unknown_item_is_a_json_404(self):
        assert_error(self.client("staff").get(f"{self.url}{uuid.uuid4()}/"), 404, "not_found")


class ListContract:
    """The collection lists, paginated, for its roles."""

    list_roles: frozenset = frozenset({"customer", "staff"})

    @pytest.mark.parametrize("role", ["customer", "staff"])
    def test_listing_is_allowed_only_to_its_roles_and_paginated(self, role):
        for _ in range(3):
            self.make_item(self.owner_id)
        response = self.client(role).get(self.url, {"page_size": 2})
        if role not in self.list_roles:
            assert_error(response, 403)
            return
        assert response.status_code == 200
        page = response.json()
        assert set(page) == {"results", "next", "previous"}
        assert len(page["results"]) == 2
        assert page["next"] and page["previous"] is None
        following = self.client(role).get(page["next"]).json()
        seen = {row["id"] for row in page["results"]}
        assert following["results"] and not seen & {row["id"] for row in following["results"]}


class CreateContract:
    """The collection creates for its roles, stores what was sent, and refuses bad input."""

    create_roles: frozenset = frozenset({"staff"})
    create_data: dict = {}
    invalid_create_data: tuple = ()  # (payload, field blamed in error.details)

    def assert_stored(self, payload: dict, item) -> None:
        """What was stored matches what was sent: the fields the model has under the same name
        (a test case with other shapes overrides this)."""
        compared = [field for field in payload if field in {f.name for f in item._meta.concrete_fields}]
        assert compared, "no field to compare: override assert_stored"
        for field in compared:
            assert str(getattr(item, field)) == str(payload[field]), field

    def test_anonymous_callers_cannot_create(self):
        before = self.model.objects.count()
        assert_error(self.client("anonymous").post(self.url, self.create_data, format="json"), 401)
        assert self.model.objects.count() == before

    @pytest.mark.parametrize("role", ["customer", "staff"])
    def test_creating_is_allowed_only_to_its_roles_and_stores_what_was_sent(self, role):
        before = self.model.objects.count()
        response = self.client(role).post(self.url, self.create_data, format="json")
        if role in self.create_roles:
            assert response.status_code == 201, response.content
            assert self.model.objects.count() == before + 1
            self.assert_stored(self.create_data, self.model.objects.get(pk=response.json()["id"]))
        else:
            assert_error(response, 403, "permission_denied")
            assert self.model.objects.count() == before

    def test_invalid_input_is_refused_field_by_field_and_changes_nothing(self):
        assert self.invalid_create_data, "name the invalid payloads this endpoint must refuse"
        role = sorted(self.create_roles)[0]
        for payload, field in self.invalid_create_data:
            before = self.model.objects.count()
            error = assert_error(self.client(role).post(self.url, payload, format="json"), 400, "validation_error")
            assert field in error["details"], (payload, error)
            assert self.model.objects.count() == before

    def test_malformed_json_is_a_parse_error(self):
        role = sorted(self.create_roles)[0]
        response = self.client(role).generic("POST", self.url, "{broken", content_type="application/json")
        assert_error(response, 400, "parse_error")


class UpdateContract:
    """Items are changed (PATCH) by their roles only; what was sent is what is stored."""

    update_roles: frozenset = frozenset({"staff"})
    update_data: dict = {}
    denied_update_status: int = 403

    @pytest.mark.parametrize("role", ["customer", "staff"])
    def test_updating_is_allowed_only_to_its_roles(self, role):
        item = self.make_item(self.owner_id)
        before = {field: str(getattr(item, field)) for field in self.update_data}
        response = self.client(role).patch(self.item_url(item), self.update_data, format="json")
        item.refresh_from_db()
        if role in self.update_roles:
            assert response.status_code == 200, response.content
            for field, value in self.update_data.items():
                assert str(response.json()[field]) == str(value)
                assert str(getattr(item, field)) == str(value)
        else:
            assert_error(response, self.denied_update_status)
            assert {field: str(getattr(item, field)) for field in self.update_data} == before
