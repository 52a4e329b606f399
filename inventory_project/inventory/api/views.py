"""Thin views: parse and authorise, then a selector (reads) or a service (writes)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.filters import OrderingFilter
from rest_framework.permissions import IsAdminUser
from rest_framework.response import Response
from rest_framework.views import APIView

from servicekit.openapi import error_response
from servicekit.permissions import ReadForSignedInWriteForStaff
from servicekit.validation import validated

from .. import selectors, services
from . import serializers as s


class ProductListView(generics.GenericAPIView):
    permission_classes = [ReadForSignedInWriteForStaff]
    filter_backends = [OrderingFilter]
    ordering_fields = ["created_at", "name", "price", "sku"]
    serializer_class = s.ProductOutput

    def get_queryset(self):
        filters = validated(s.ProductFilterInput, self.request.query_params)
        return selectors.product_list(include_inactive=self.request.user.is_staff, filters=filters)

    @extend_schema(
        parameters=[
            s.ProductFilterInput,
            OpenApiParameter("ordering", OpenApiTypes.STR, description="created_at, name, price or sku; - for desc"),
        ],
        responses={200: s.ProductOutput(many=True)},
    )
    def get(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(s.ProductOutput(page, many=True).data)

    @extend_schema(request=s.ProductCreateInput, responses={201: s.ProductOutput})
    def post(self, request):
        product = services.product_create(
            actor_id=request.user.user_id, **validated(s.ProductCreateInput, request.data)
        )
        product = selectors.product_get(product_id=product.pk, include_inactive=True)
        return Response(s.ProductOutput(product).data, status=status.HTTP_201_CREATED)


class ProductDetailView(APIView):
    permission_classes = [ReadForSignedInWriteForStaff]

    @extend_schema(responses={200: s.ProductOutput})
    def get(self, request, product_id):
        product = selectors.product_get(product_id=product_id, include_inactive=request.user.is_staff)
        return Response(s.ProductOutput(product).data)

    @extend_schema(request=s.ProductUpdateInput, responses={200: s.ProductOutput})
    def patch(self, request, product_id):
        product = selectors.product_get(product_id=product_id, include_inactive=True)
        services.product_update(product=product, **validated(s.ProductUpdateInput, request.data))
        return Response(s.ProductOutput(selectors.product_get(product_id=product_id, include_inactive=True)).data)


class StockAdjustView(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(
        request=s.StockAdjustInput,
        responses={200: s.StockLevelOutput, 409: error_response("The change would take stock below zero.")},
    )
    def post(self, request, product_id):
        selectors.product_get(product_id=product_id, include_inactive=True)
        level = services.stock_adjust(
            product_id=product_id, actor_id=request.user.user_id, **validated(s.StockAdjustInput, request.data)
        )
        return Response(s.StockLevelOutput(level).data)


class StockMovementListView(generics.GenericAPIView):
    permission_classes = [IsAdminUser]
    serializer_class = s.StockMovementOutput

    def get_queryset(self):
        # Also what the browsable API's filter form asks for.
        return selectors.movement_list(product_id=self.kwargs["product_id"])

    @extend_schema(responses={200: s.StockMovementOutput(many=True)})
    def get(self, request, product_id):
        selectors.product_get(product_id=product_id, include_inactive=True)
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.StockMovementOutput(page, many=True).data)
