"""`/dashboard/`: the architecture, live, for staff. The page draws what `api/state/` says and
asks again every few seconds; each part it cannot reach is drawn red with the reason."""

from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.permissions import IsAdminUser
from rest_framework.response import Response
from rest_framework.views import APIView

from servicekit.errors import InvalidInput, error_page

from . import sources
from .picture import picture

ANY_OBJECT = OpenApiResponse(description="JSON (see the dashboard's page for its shape).")


@never_cache
@ensure_csrf_cookie
def page(request):
    identity = request.gateway_identity
    if identity is None:
        return redirect("/auth/login/?next=/dashboard/")
    if not identity.is_staff:
        return error_page(request, 403, "Staff only", "The architecture dashboard is for staff.")
    return render(request, "dashboard/index.html", {"identity": identity})


class StateView(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(responses={200: ANY_OBJECT}, tags=["dashboard"])
    def get(self, request):
        return Response(picture(), headers={"Cache-Control": "no-store"})


class TraceView(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(
        parameters=[OpenApiParameter("id", str, required=True, description="An order, request, event or trace id.")],
        responses={200: ANY_OBJECT},
        tags=["dashboard"],
    )
    def get(self, request):
        key = request.query_params.get("id", "").strip()
        if len(key) < 8 or len(key) > 128:
            raise InvalidInput(details={"id": ["An order, request, event or trace id (8 to 128 characters)."]})
        return Response({"id": key, "story": sources.trace(key)})


class ReplayView(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(request=None, responses={200: ANY_OBJECT}, tags=["dashboard"])
    def post(self, request, service: str, dead_letter_id: int):
        if service not in sources.manifest().service_names():
            raise InvalidInput(details={"service": ["No such service."]})
        result = sources.replay(service, dead_letter_id)
        return Response(result, status=200 if result["status"] == 200 else 404)
