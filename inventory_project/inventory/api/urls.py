from django.urls import path

from . import views

urlpatterns = [
    path("products/", views.ProductListView.as_view(), name="product-list"),
    path("products/<uuid:product_id>/", views.ProductDetailView.as_view(), name="product-detail"),
    path("products/<uuid:product_id>/stock/", views.StockAdjustView.as_view(), name="product-stock"),
    path("products/<uuid:product_id>/movements/", views.StockMovementListView.as_view(), name="product-movements"),
    path("products/<uuid:product_id>/image/", views.ProductImageView.as_view(), name="product-image"),
    path("imports/", views.StockImportListView.as_view(), name="import-list"),
    path("imports/<uuid:import_id>/", views.StockImportDetailView.as_view(), name="import-detail"),
    path("imports/<uuid:import_id>/cancel/", views.StockImportCancelView.as_view(), name="import-cancel"),
]
