"""Accounts: the shop's users and roles, their passwords (Argon2), the access and refresh
tokens they sign in with (RS256, rotating refresh tokens), the token check the gateway makes
on every request (api/verify.py) and the browser's single sign-on pages (web/)."""
