from django.urls import path

from .views import ClientCredentialsView

urlpatterns = [
    path("token/client/", ClientCredentialsView.as_view(), name="token_client"),
]
