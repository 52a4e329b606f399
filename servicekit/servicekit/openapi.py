"""OpenAPI: the shared error shape, and the errors every operation can answer with.

A postprocessing hook adds the responses that come from the platform rather than from the
view (401 from the gateway or the service, 403, 429 from the gateway's limits, 503 when a
dependency is down, 400 on writes, 404 on item routes), so every operation documents them
without each view repeating them.
"""

import re

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse, extend_schema_serializer
from rest_framework import serializers


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable, machine-readable: switch on this.")
    message = serializers.CharField(help_text="For humans.")
    details = serializers.DictField(help_text="Per-field errors for validation failures; otherwise extra context.")
    request_id = serializers.CharField(help_text="Same as the X-Request-ID response header.")


@extend_schema_serializer(component_name="Error")
class ErrorSerializer(serializers.Serializer):
    error = ErrorBodySerializer()


def error_response(description: str) -> OpenApiResponse:
    return OpenApiResponse(response=ErrorSerializer, description=description)


_ERROR_REF = {"$ref": "#/components/schemas/Error"}
# The same shape as ErrorSerializer, for schemas where no view named it.
_ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "details", "request_id"],
            "properties": {
                "code": {"type": "string", "description": "Stable, machine-readable: switch on this."},
                "message": {"type": "string"},
                "details": {"type": "object", "additionalProperties": True},
                "request_id": {"type": "string"},
            },
        }
    },
}
_PLATFORM_ERRORS = {
    "401": "Not signed in, or the token is invalid or expired.",
    "403": "Signed in, but not allowed to do this.",
    "429": "Too many requests (gateway rate limit); retry after `Retry-After` seconds.",
    "503": "A service this request needs is unavailable; retry later.",
}
_WRITE_METHODS = {"post", "put", "patch"}


def add_platform_errors(result, generator, request, public):
    """drf-spectacular postprocessing hook (see SPECTACULAR_SETTINGS)."""
    result.setdefault("components", {}).setdefault("schemas", {}).setdefault("Error", _ERROR_SCHEMA)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            extra = dict(_PLATFORM_ERRORS)
            if method in _WRITE_METHODS:
                extra["400"] = "Invalid input: `error.details` names each field."
            elif any(param.get("in") == "query" for param in operation.get("parameters", [])):
                extra["400"] = "Invalid query parameter (a filter, page size or cursor): `error.details` names it."
                extra["414"] = "The URL is too long (the gateway takes 8000 characters at most)."
            if "{" in path:
                extra["404"] = "No such item, or not yours."
            for status, description in extra.items():
                responses.setdefault(
                    status,
                    {"description": description, "content": {"application/json": {"schema": _ERROR_REF}}},
                )
    return result


class GatewayIdentityScheme(OpenApiAuthenticationExtension):
    """How clients authenticate: a bearer access token (or the SSO cookie), checked by the
    gateway, which hands the service the identity."""

    target_class = "servicekit.identity.GatewayIdentityAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "An access token from POST /api/auth/login/ (RS256). Browsers use the SSO cookie instead.",
        }


class ShopAutoSchema(AutoSchema):
    """Names the operations of a service's root collection after the service.

    `/api/orders/` and `/api/orders/{id}/cancel/` would otherwise be `root_list` and
    `cancel_create`; they become `orders_list` and `orders_cancel_create`, tagged `orders`.
    """

    def _tokenize_path(self) -> list[str]:
        tokens = super()._tokenize_path()
        below_prefix = re.sub(self.path_prefix, "", self.path, flags=re.IGNORECASE).lstrip("/")
        if not tokens or below_prefix.startswith("{"):
            return [settings.SERVICE_NAME, *tokens]
        return tokens
