"""Thin views: parse and authorise, then a selector (reads) or a service (writes)."""

import re

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from servicekit.openapi import error_response
from servicekit.validation import validated

from .. import selectors, services
from . import serializers as s

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="A retried request with the same key returns the first order instead of placing another "
    "(1 to 255 visible ASCII characters).",
)


IDEMPOTENCY_KEY_FORMAT = re.compile(r"[\x21-\x7e]{1,255}")


def _idempotency_key(request) -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is not None and not IDEMPOTENCY_KEY_FORMAT.fullmatch(key):
        raise ValidationError({"Idempotency-Key": ["1 to 255 visible ASCII characters, no spaces."]})
    return key


class OrderListView(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]  # selectors return the caller's own only
    serializer_class = s.OrderOutput

    def get_queryset(self):
        return selectors.order_list(user_id=self.request.user.user_id)

    @extend_schema(responses={200: s.OrderOutput(many=True)})
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.OrderOutput(page, many=True).data)

    @extend_schema(
        parameters=[IDEMPOTENCY_KEY],
        request=s.OrderCreateInput,
        responses={
            201: s.OrderOutput,
            422: error_response("The Idempotency-Key was already used for a different request."),
        },
    )
    def post(self, request):
        key = _idempotency_key(request)
        lines = validated(s.OrderCreateInput, request.data)["lines"]
        order, _ = services.order_create(identity=request.user, lines=lines, idempotency_key=key)
        # A replay answers exactly as the first request did.
        return Response(s.OrderOutput(order).data, status=status.HTTP_201_CREATED)


class OrderDetailView(APIView):
    permission_classes = [IsAuthenticated]  # selectors return the caller's own only

    @extend_schema(responses={200: s.OrderOutput})
    def get(self, request, order_id):
        return Response(s.OrderOutput(selectors.order_get(user_id=request.user.user_id, order_id=order_id)).data)


class OrderCancelView(APIView):
    permission_classes = [IsAuthenticated]  # selectors return the caller's own only

    @extend_schema(
        request=None, responses={200: s.OrderOutput, 409: error_response("The order can no longer be cancelled.")}
    )
    def post(self, request, order_id):
        services.order_cancel(order_id=order_id, user_id=request.user.user_id)
        return Response(s.OrderOutput(selectors.order_get(user_id=request.user.user_id, order_id=order_id)).data)
