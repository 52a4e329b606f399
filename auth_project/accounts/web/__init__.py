"""The auth service's browser pages: single sign-on for every admin, browsable API and Flower,
the home page at `/`, and the renewal of the short-lived access cookie."""
