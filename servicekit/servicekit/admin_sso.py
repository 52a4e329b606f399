"""Single sign-on for every service's Django admin.

Browsers cannot send bearer headers, so the auth service's login page sets an HttpOnly
cookie holding an access token; the gateway verifies that cookie like a bearer token and
passes the identity on. Here, on admin paths only, a staff identity is logged in to a Django
session (stored in Redis). Services other than auth keep a local "shadow" user whose staff
flags come from the token, so one login opens every admin.
"""

from django.conf import settings
from django.contrib.auth.backends import RemoteUserBackend
from django.contrib.auth.middleware import RemoteUserMiddleware

from .identity import IDENTITY_META


class GatewayAdminLoginMiddleware(RemoteUserMiddleware):
    header = IDENTITY_META["email"]

    def process_request(self, request):
        # API calls carry the identity too, but need no session: only the admin does.
        if request.path.startswith(settings.ADMIN_URL_PREFIX):
            super().process_request(request)


class GatewayStaffBackend(RemoteUserBackend):
    """Authenticates the gateway's staff identity; everyone else gets no admin session."""

    @property
    def create_unknown_user(self) -> bool:
        return settings.GATEWAY_SSO_SHADOW_USERS

    def authenticate(self, request, remote_user):
        identity = getattr(request, "gateway_identity", None)
        if identity is None or not identity.is_staff or identity.email != remote_user:
            return None
        return super().authenticate(request, remote_user)

    def configure_user(self, request, user, created=True):
        if not self.create_unknown_user:
            return user  # the auth service owns real users: their flags are already right
        identity = request.gateway_identity
        user.email = identity.email
        user.is_staff = identity.is_staff
        user.is_superuser = identity.is_superuser
        if created:
            user.set_unusable_password()
        user.save()
        return user

    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and user.is_staff
