"""Plumbing every shop service needs in the same way. No domain models live here."""
