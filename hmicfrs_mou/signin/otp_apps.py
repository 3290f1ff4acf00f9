"""django-otp's two device apps, named in words in the admin (their default names are "Otp_Totp" and
"Otp_Static"); the app labels, and so their tables and migrations, are unchanged. In a module of their
own: Django picks an app's config from its apps.py only when that module holds one."""

from django_otp.plugins.otp_static.apps import DefaultConfig as OtpStaticConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as OtpTotpConfig


class AuthenticatorAppsConfig(OtpTotpConfig):
    verbose_name = "Sign-in: authenticator apps"


class RecoveryCodesConfig(OtpStaticConfig):
    verbose_name = "Sign-in: recovery codes"
