import pytest
from django.db import IntegrityError

from accounts.models import User


@pytest.mark.django_db
def test_email_is_stored_lowercase_and_found_in_any_case():
    user = User.objects.create_user("Ada@Example.COM", "a-long-enough-passphrase")
    assert user.email == "ada@example.com"
    assert User.objects.get_by_natural_key("ADA@example.com") == user


@pytest.mark.django_db
def test_the_database_refuses_an_email_that_differs_only_in_case():
    User.objects.create_user("ada@example.com", "x")
    with pytest.raises(IntegrityError):
        User.objects.create(email="ADA@example.com")


@pytest.mark.django_db
def test_passwords_are_hashed_with_argon2():
    user = User.objects.create_user("ada@example.com", "a-long-enough-passphrase")
    assert user.password.startswith("argon2$")
    assert user.check_password("a-long-enough-passphrase")


@pytest.mark.django_db
def test_superuser_is_staff():
    admin = User.objects.create_superuser("root@example.com", "a-long-enough-passphrase")
    assert admin.is_staff and admin.is_superuser
