"""Sign-in security: a second factor, lockout after failures, idle timeout and sessions cut on change.

Built on django-otp (TOTP authenticator apps and single-use recovery codes) and django-axes (lockout).
"""
