from django.urls import path

from . import views

urlpatterns = [
    path("dashboard/", views.page, name="dashboard"),
    path("dashboard/api/state/", views.StateView.as_view(), name="dashboard-state"),
    path("dashboard/api/trace/", views.TraceView.as_view(), name="dashboard-trace"),
    path(
        "dashboard/api/dead-letters/<str:service>/<int:dead_letter_id>/replay/",
        views.ReplayView.as_view(),
        name="dashboard-replay",
    ),
]
