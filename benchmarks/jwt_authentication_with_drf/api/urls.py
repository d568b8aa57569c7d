from django.urls import path
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from . import views

urlpatterns = [
    path("token/", TokenObtainPairView.as_view(), name="token_obtain_pair"),
    path("token/refresh/", TokenRefreshView.as_view(), name="token_refresh"),
    path("", views.HelloView.as_view(), name="hello_world"),
    # Not in the article: the unauthenticated reference of the benchmark.
    path("health/", views.HealthView.as_view(), name="health"),
]
