"""Notifications: what the shop tells a user when something happens to them, in an in-app
inbox and by e-mail; keeps each user's address from auth's events."""
