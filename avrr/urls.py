from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from avrr import views
from avrr.api import CurrentUserView

api_v1: list[URLPattern | URLResolver] = [
    path("me/", CurrentUserView.as_view(), name="api-me"),
    path("", include("cases.api.urls")),
    path("", include("cases.referrals.api.urls")),
    path("departure/", include("cases.departure.api.urls")),
]

# The API documentation is Swagger UI, third-party markup: its page sets its layout in a
# <style> element. Its script comes as a file of its own (the split view), so that scripts
# stay the site's files; inline styles, which run no code, are allowed on this page only.
api_docs = csp_update({"style-src": [UNSAFE_INLINE]})(
    SpectacularSwaggerSplitView.as_view(url_name="api-schema")
)

handler404 = "avrr.views.page_not_found"

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/security/", views.security, name="security"),
    path("accounts/security/verify/", views.otp_verify, name="otp_verify"),
    path("accounts/security/setup/", views.otp_setup, name="otp_setup"),
    path(
        "accounts/security/recovery-codes/",
        views.otp_recovery_codes_renew,
        name="otp_recovery_codes",
    ),
    path("accounts/security/disable/", views.otp_disable, name="otp_disable"),
    path("i18n/setlang/", views.language_switch, name="set_language"),
    path("cases/", include("cases.urls")),
    path("referrals/", include("cases.referrals.urls")),
    path("departure/", include("cases.departure.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", api_docs, name="api-docs"),
]
