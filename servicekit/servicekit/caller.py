"""`/internal/caller/`: a service's credential, checked end to end."""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from .service_auth import IsService


class CallerView(APIView):
    """Who is calling: the service (by its credential) and the user it acts for. Internal (the
    gateway does not route /internal/); it lets an operator or a test check a service's
    credential end to end."""

    permission_classes = [IsService]

    @extend_schema(exclude=True)
    def get(self, request):
        user = request.user if request.user.is_authenticated else None
        return Response(
            {"service": request._request.calling_service.name, "on_behalf_of": user.user_id if user else None}
        )
