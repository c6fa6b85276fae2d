"""What the pages of two-step verification show: which step a user has left, and the
authenticator's secret as a QR code and as text."""

from base64 import b32encode

import segno
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from avrr import rules
from avrr.models import User


def has_authenticator(user: User) -> bool:
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def is_verified(user: User) -> bool:
    """Whether the user gave a code in this session (django-otp's middleware sets the
    device that accepted it on the request's user)."""
    return getattr(user, "otp_device", None) is not None


def step_left(user: User) -> str | None:
    """The page a signed-in user who has not given a code must go through first, if any:
    the code's (an authenticator enrolled), or enrolment (the role requires one)."""
    if is_verified(user):
        return None
    if has_authenticator(user):
        return "otp_verify"
    if rules.must_use_two_steps(user):
        return "otp_setup"
    return None


def recovery_codes_left(user: User) -> int:
    return int(StaticToken.objects.filter(device__user=user).count())


def secret_text(device: TOTPDevice) -> str:
    """The secret as an authenticator application asks for it, in groups of four."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> SafeString:
    """The otpauth:// address of the device as an inline SVG QR code (no image library)."""
    svg = segno.make(device.config_url, error="m").svg_inline(
        scale=4, title=_("Code QR à scanner avec l'application d'authentification")
    )
    return mark_safe(svg)  # noqa: S308  (segno's own markup, the address escaped by it)
