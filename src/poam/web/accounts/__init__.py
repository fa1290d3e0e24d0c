"""Signing in, the first administrator, and API tokens (Django's authentication, argon2)."""
