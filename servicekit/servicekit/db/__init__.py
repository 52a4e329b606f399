"""Django's PostgreSQL backend, tuned for a service that runs many short transactions.

DATABASES = {"default": {"ENGINE": "servicekit.db", ...}}
"""
