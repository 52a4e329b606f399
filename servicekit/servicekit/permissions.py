"""Permission classes more than one service uses."""

from rest_framework.permissions import SAFE_METHODS, IsAdminUser, IsAuthenticated


class ReadForSignedInWriteForStaff(IsAuthenticated):
    """Any signed-in caller may read; only staff may write."""

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        return request.method in SAFE_METHODS or IsAdminUser().has_permission(request, view)
