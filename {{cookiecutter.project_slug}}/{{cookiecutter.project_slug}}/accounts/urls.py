from django.urls import path

{% if cookiecutter.account_signup == "open" -%}
from .signup import ResendVerificationView, SignupView, VerifyEmailView
{% endif -%}
from .views import PasswordChangeView, PasswordResetConfirmView, PasswordResetView

urlpatterns = [
{%- if cookiecutter.account_signup == "open" %}
    path("signup/", SignupView.as_view(), name="account_signup"),
    path("email/verify/", VerifyEmailView.as_view(), name="account_verify_email"),
    path(
        "email/verify/resend/",
        ResendVerificationView.as_view(),
        name="account_resend_verification",
    ),
{%- endif %}
    path("password/reset/", PasswordResetView.as_view(), name="account_password_reset"),
    path(
        "password/reset/confirm/",
        PasswordResetConfirmView.as_view(),
        name="account_password_reset_confirm",
    ),
    path(
        "password/change/", PasswordChangeView.as_view(), name="account_password_change"
    ),
]
