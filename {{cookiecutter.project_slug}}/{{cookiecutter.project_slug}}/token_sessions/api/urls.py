from django.urls import path

from .views import LogoutAllView, SessionDetailView, SessionListView

urlpatterns = [
    path("token/logout-all/", LogoutAllView.as_view(), name="token_logout_all"),
    path("sessions/", SessionListView.as_view(), name="sessions"),
    path(
        "sessions/<uuid:session_id>/",
        SessionDetailView.as_view(),
        name="session",
    ),
]
