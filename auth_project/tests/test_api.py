"""The auth API as a client sees it behind the gateway (identity headers supplied)."""

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicNumbers
from django.conf import settings

from accounts import keyring
from accounts.models import User
from accounts.tokens import ShopAccessToken

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


def login(api, email, password=PASSWORD):
    return api.post("/api/auth/login/", {"email": email, "password": password}, format="json")


class TestRegister:
    def test_creates_a_user_and_never_returns_the_password(self, api):
        response = api.post(
            "/api/auth/register/", {"email": "New@Example.com", "password": PASSWORD, "full_name": "New"}, format="json"
        )
        assert response.status_code == 201
        assert response.json() == {
            "id": response.json()["id"],
            "email": "new@example.com",
            "full_name": "New",
            "is_staff": False,
        }
        assert User.objects.get(email="new@example.com").check_password(PASSWORD)

    def test_refuses_a_weak_password_and_creates_nothing(self, api):
        response = api.post("/api/auth/register/", {"email": "weak@example.com", "password": "12345"}, format="json")
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "validation_error"
        assert "password" in response.json()["error"]["details"]
        assert not User.objects.filter(email="weak@example.com").exists()

    def test_refuses_an_email_already_taken_in_any_case(self, api, make_user):
        make_user(email="taken@example.com")
        response = api.post("/api/auth/register/", {"email": "TAKEN@example.com", "password": PASSWORD}, format="json")
        assert response.status_code == 400
        assert "email" in response.json()["error"]["details"]
        assert User.objects.filter(email="taken@example.com").count() == 1

    def test_refuses_an_invalid_email(self, api):
        response = api.post("/api/auth/register/", {"email": "nope", "password": PASSWORD}, format="json")
        assert response.status_code == 400
        assert "email" in response.json()["error"]["details"]


class TestLogin:
    def test_returns_rs256_tokens_with_the_expected_claims(self, api, make_user):
        user = make_user(is_staff=True)
        response = login(api, user.email.upper())
        assert response.status_code == 200
        access = response.json()["access"]
        header = jwt.get_unverified_header(access)
        assert header["alg"] == "RS256" and header["kid"]
        claims = jwt.decode(
            access,
            keyring.signing_key().public_pem,
            algorithms=["RS256"],
            audience=settings.SIMPLE_JWT["AUDIENCE"],
            issuer=settings.SIMPLE_JWT["ISSUER"],
        )
        assert claims["sub"] == str(user.pk)
        assert claims["email"] == user.email
        assert claims["is_staff"] is True
        assert {"exp", "iat", "jti"} <= set(claims)

    @pytest.mark.parametrize("email", ["user1@example.com", "nobody@example.com"])
    def test_wrong_password_and_unknown_email_get_the_same_answer(self, api, make_user, email):
        make_user(email="user1@example.com")
        response = login(api, email, "wrong-password-here")
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "invalid_credentials"

    def test_inactive_user_cannot_sign_in(self, api, make_user):
        user = make_user(is_active=False)
        assert login(api, user.email).status_code == 401


class TestRefreshAndLogout:
    def test_refresh_rotates_and_the_old_refresh_token_is_refused(self, api, make_user):
        tokens = login(api, make_user().email).json()
        first = api.post("/api/auth/refresh/", {"refresh": tokens["refresh"]}, format="json")
        assert first.status_code == 200
        assert first.json()["refresh"] != tokens["refresh"]
        again = api.post("/api/auth/refresh/", {"refresh": tokens["refresh"]}, format="json")
        assert again.status_code == 401
        assert again.json()["error"]["code"] == "token_not_valid"

    def test_an_access_token_is_not_a_refresh_token(self, api, make_user):
        tokens = login(api, make_user().email).json()
        response = api.post("/api/auth/refresh/", {"refresh": tokens["access"]}, format="json")
        assert response.status_code == 401

    def test_logout_revokes_the_refresh_token(self, api, make_user, signed_in):
        user = make_user()
        tokens = login(api, user.email).json()
        response = signed_in(user).post("/api/auth/logout/", {"refresh": tokens["refresh"]}, format="json")
        assert response.status_code == 204
        assert api.post("/api/auth/refresh/", {"refresh": tokens["refresh"]}, format="json").status_code == 401

    def test_nobody_can_log_out_someone_else(self, api, make_user, signed_in):
        victim, attacker = make_user(), make_user()
        tokens = login(api, victim.email).json()
        response = signed_in(attacker).post("/api/auth/logout/", {"refresh": tokens["refresh"]}, format="json")
        assert response.status_code == 403
        assert api.post("/api/auth/refresh/", {"refresh": tokens["refresh"]}, format="json").status_code == 200

    def test_logout_needs_a_signed_in_caller(self, api, make_user):
        tokens = login(api, make_user().email).json()
        response = api.post("/api/auth/logout/", {"refresh": tokens["refresh"]}, format="json")
        assert response.status_code == 401


class TestMeAndPassword:
    def test_me_describes_the_caller(self, make_user, signed_in):
        user = make_user(full_name="Ada")
        response = signed_in(user).get("/api/auth/me/")
        assert response.status_code == 200
        assert response.json() == {"id": str(user.pk), "email": user.email, "full_name": "Ada", "is_staff": False}

    def test_me_without_identity_is_401_in_the_shared_error_shape(self, api):
        response = api.get("/api/auth/me/")
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "not_authenticated"

    def test_password_change_signs_out_every_session(self, api, make_user, signed_in):
        user = make_user()
        tokens = login(api, user.email).json()
        response = signed_in(user).post(
            "/api/auth/password/",
            {"old_password": PASSWORD, "new_password": "another-long-passphrase"},
            format="json",
        )
        assert response.status_code == 204
        assert api.post("/api/auth/refresh/", {"refresh": tokens["refresh"]}, format="json").status_code == 401
        assert login(api, user.email, "another-long-passphrase").status_code == 200

    def test_password_change_needs_the_current_password(self, make_user, signed_in):
        user = make_user()
        response = signed_in(user).post(
            "/api/auth/password/", {"old_password": "wrong", "new_password": "another-long-passphrase"}, format="json"
        )
        assert response.status_code == 400
        assert "old_password" in response.json()["error"]["details"]
        user.refresh_from_db()
        assert user.check_password(PASSWORD)


def test_jwks_holds_the_key_that_verifies_access_tokens(api, make_user):
    access = login(api, make_user().email).json()["access"]
    keys = api.get("/api/auth/jwks/").json()["keys"]
    (key,) = [k for k in keys if k["kid"] == jwt.get_unverified_header(access)["kid"]]
    assert "d" not in key  # public parts only
    numbers = RSAPublicNumbers(
        e=int.from_bytes(jwt.utils.base64url_decode(key["e"]), "big"),
        n=int.from_bytes(jwt.utils.base64url_decode(key["n"]), "big"),
    )
    claims = jwt.decode(access, numbers.public_key(), algorithms=["RS256"], audience="shop")
    assert claims["token_type"] == "access"
    assert ShopAccessToken(access)["sub"] == claims["sub"]
