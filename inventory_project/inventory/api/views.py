"""Thin views: parse and authorise, then a selector (reads) or a service (writes)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.filters import OrderingFilter
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAdminUser, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from servicekit.openapi import error_response
from servicekit.permissions import ReadForSignedInWriteForStaff
from servicekit.validation import validated

from .. import images, imports, selectors, services
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


class ProductImageView(APIView):
    """A product's image: staff upload one (it is checked at once, its renditions are made in
    the background: 202); anyone signed in reads its state and rendition URLs."""

    parser_classes = [MultiPartParser]

    def get_permissions(self):
        return [IsAdminUser()] if self.request.method == "PUT" else [IsAuthenticated()]

    @extend_schema(responses={200: s.ProductImageOutput})
    def get(self, request, product_id):
        selectors.product_get(product_id=product_id, include_inactive=request.user.is_staff)
        return Response(s.ProductImageOutput(selectors.product_image_get(product_id=product_id)).data)

    @extend_schema(
        request={"multipart/form-data": s.ProductImageInput},
        responses={
            202: s.ProductImageOutput,
            413: error_response("The file or its pixel count is too large."),
        },
    )
    def put(self, request, product_id):
        product = selectors.product_get(product_id=product_id, include_inactive=True)
        upload = validated(s.ProductImageInput, request.data)["image"]
        image = images.product_image_upload(product=product, data=upload.read())
        return Response(s.ProductImageOutput(image).data, status=status.HTTP_202_ACCEPTED)


class StockImportListView(generics.GenericAPIView):
    """Bulk stock adjustments from a CSV, applied in the background (staff only)."""

    permission_classes = [IsAdminUser]
    parser_classes = [MultiPartParser]
    serializer_class = s.StockImportOutput

    def get_queryset(self):
        return selectors.stock_import_list()

    @extend_schema(responses={200: s.StockImportOutput(many=True)})
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.StockImportOutput(page, many=True).data)

    @extend_schema(request={"multipart/form-data": s.StockImportInput}, responses={202: s.StockImportOutput})
    def post(self, request):
        upload = validated(s.StockImportInput, request.data)["file"]
        job = imports.stock_import_request(
            filename=upload.name or "", data=upload.read(), actor_id=request.user.user_id
        )
        return Response(s.StockImportOutput(job).data, status=status.HTTP_202_ACCEPTED)


class StockImportDetailView(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(responses={200: s.StockImportOutput})
    def get(self, request, import_id):
        return Response(s.StockImportOutput(selectors.stock_import_get(import_id=import_id)).data)


class StockImportCancelView(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(request=None, responses={200: s.StockImportOutput, 409: error_response("It has already finished.")})
    def post(self, request, import_id):
        job = imports.stock_import_cancel(stock_import=selectors.stock_import_get(import_id=import_id))
        return Response(s.StockImportOutput(job).data)
