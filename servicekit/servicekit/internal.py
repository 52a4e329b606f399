"""`/internal/...`: what services and operators ask a service directly. The gateway never
routes /internal/ (and services listen on loopback only); each view says who may call it.

- `caller/`: who is calling (a service's credential checked end to end);
- `status/`: outbox, dead letters, breakers and the service's extras, for the dashboard;
- `dead-letters/<id>/replay/`: replay one dead letter, for the dashboard's button;
- `metrics/`: Prometheus exposition, for a scraper on the machine.
"""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from prometheus_client import CONTENT_TYPE_LATEST
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from . import metrics
from .service_auth import IsService

LOOPBACK = {"127.0.0.1", "::1"}


class IsLoopbackCaller(BasePermission):
    """A process on this machine calling directly (a Prometheus scraper), never through the gateway."""

    def has_permission(self, request, view) -> bool:
        return request.META.get("REMOTE_ADDR") in LOOPBACK and "HTTP_X_FORWARDED_FOR" not in request.META


@extend_schema(exclude=True)
class CallerView(APIView):
    """Who is calling: the service (by its credential) and the user it acts for."""

    permission_classes = [IsService]

    def get(self, request):
        user = request.user if request.user.is_authenticated else None
        return Response(
            {"service": request._request.calling_service.name, "on_behalf_of": user.user_id if user else None}
        )


@extend_schema(exclude=True)
class StatusView(APIView):
    permission_classes = [IsService]

    def get(self, request):
        return Response(metrics.platform_state())


@extend_schema(exclude=True)
class DeadLetterReplayView(APIView):
    permission_classes = [IsService]

    def post(self, request, pk: int):
        from .celery_app import service_app
        from .events.dead_letters import dead_letter_replay
        from .models import DeadLetter

        letter = get_object_or_404(DeadLetter, pk=pk, replayed_at__isnull=True)
        dead_letter_replay(service_app(), letter)
        return Response({"replayed": str(letter.event_id), "event_type": letter.event_type})


@extend_schema(exclude=True)
class MetricsView(APIView):
    permission_classes = [IsLoopbackCaller]

    def get(self, request):
        return HttpResponse(metrics.exposition(), content_type=CONTENT_TYPE_LATEST)
