"""Thin views: parse, authorise, call a service or selector, render."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from servicekit.validation import validated

from .. import selectors, services
from ..tokens import public_jwks
from . import serializers as s

ERRORS = {
    400: OpenApiResponse(description="Invalid input: `error.details` names each field."),
    401: OpenApiResponse(description="Not signed in, or bad credentials/token."),
    429: OpenApiResponse(description="Too many attempts (gateway rate limit)."),
}


class RegisterView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(request=s.RegisterInput, responses={201: s.UserOutput, **ERRORS})
    def post(self, request):
        user = services.user_register(**validated(s.RegisterInput, request.data))
        return Response(s.UserOutput(user).data, status=status.HTTP_201_CREATED)


class LoginView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(request=s.LoginInput, responses={200: s.TokenPairOutput, **ERRORS})
    def post(self, request):
        user = services.user_authenticate(request=request, **validated(s.LoginInput, request.data))
        return Response(services.tokens_issue(user=user))


class RefreshView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(request=s.RefreshInput, responses={200: s.TokenPairOutput, **ERRORS})
    def post(self, request):
        return Response(services.tokens_rotate(**validated(s.RefreshInput, request.data)))


class LogoutView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=s.RefreshInput,
        responses={204: None, 403: OpenApiResponse(description="Not your token."), **ERRORS},
    )
    def post(self, request):
        services.tokens_revoke(user_id=request.user.user_id, **validated(s.RefreshInput, request.data))
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: s.UserOutput, **ERRORS})
    def get(self, request):
        return Response(s.UserOutput(selectors.user_get(user_id=request.user.user_id)).data)


class PasswordChangeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=s.PasswordChangeInput, responses={204: None, **ERRORS})
    def post(self, request):
        user = selectors.user_get(user_id=request.user.user_id)
        services.user_change_password(user=user, **validated(s.PasswordChangeInput, request.data))
        return Response(status=status.HTTP_204_NO_CONTENT)


class JwksView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses={200: s.JwksOutput})
    def get(self, request):
        response = Response(public_jwks())
        # Short: a verifier should see a new key soon after a rotation adds it.
        response["Cache-Control"] = "public, max-age=60"
        return response
