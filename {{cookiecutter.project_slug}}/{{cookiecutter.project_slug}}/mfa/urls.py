from django.urls import path

from .views import (
    MFAStatusView,
    RecoveryCodesView,
    TOTPConfirmView,
    TOTPDeleteView,
    TOTPSetupView,
    TwoFactorLoginView,
)

urlpatterns = [
    path("token/mfa/", TwoFactorLoginView.as_view(), name="token_mfa"),
    path("mfa/", MFAStatusView.as_view(), name="mfa"),
    path("mfa/totp/", TOTPDeleteView.as_view(), name="mfa_totp"),
    path("mfa/totp/setup/", TOTPSetupView.as_view(), name="mfa_totp_setup"),
    path("mfa/totp/confirm/", TOTPConfirmView.as_view(), name="mfa_totp_confirm"),
    path("mfa/recovery-codes/", RecoveryCodesView.as_view(), name="mfa_recovery_codes"),
]
