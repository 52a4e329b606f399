from django.urls import path

from . import views

urlpatterns = [
    path("products/", views.ProductListView.as_view(), name="product-list"),
    path("products/<uuid:product_id>/", views.ProductDetailView.as_view(), name="product-detail"),
    path("products/<uuid:product_id>/stock/", views.StockAdjustView.as_view(), name="product-stock"),
    path("products/<uuid:product_id>/movements/", views.StockMovementListView.as_view(), name="product-movements"),
]
