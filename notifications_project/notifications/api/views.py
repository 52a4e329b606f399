"""Thin views: parse and authorise, then a selector (reads) or a service (writes)."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from servicekit.permissions import ReadForSignedInWriteForStaff
from servicekit.validation import validated

from .. import selectors, services
from . import serializers as s


class NotificationListView(generics.GenericAPIView):
    permission_classes = [ReadForSignedInWriteForStaff]  # reads are filtered to the caller's own
    serializer_class = s.NotificationOutput

    def get_queryset(self):
        # Also what the browsable API's filter form asks for: the caller's own, filtered.
        filters = validated(s.NotificationFilterInput, self.request.query_params)
        return selectors.notification_list(user_id=self.request.user.user_id, unread_only=filters["unread"])

    @extend_schema(parameters=[s.NotificationFilterInput], responses={200: s.NotificationOutput(many=True)})
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.NotificationOutput(page, many=True).data)

    @extend_schema(request=s.NotificationCreateInput, responses={201: s.NotificationOutput})
    def post(self, request):
        notification = services.notification_create(**validated(s.NotificationCreateInput, request.data))
        return Response(s.NotificationOutput(notification).data, status=status.HTTP_201_CREATED)


class NotificationDetailView(APIView):
    permission_classes = [IsAuthenticated]  # selectors return the caller's own only

    @extend_schema(responses={200: s.NotificationOutput})
    def get(self, request, notification_id):
        notification = selectors.notification_get(user_id=request.user.user_id, notification_id=notification_id)
        return Response(s.NotificationOutput(notification).data)


class NotificationReadView(APIView):
    permission_classes = [IsAuthenticated]  # selectors return the caller's own only

    @extend_schema(request=None, responses={200: s.NotificationOutput})
    def post(self, request, notification_id):
        notification = services.notification_mark_read(notification_id=notification_id, user_id=request.user.user_id)
        return Response(s.NotificationOutput(notification).data)
