from rest_framework import serializers

from servicekit.serializers import ModelOutputSerializer

from ..models import User


class RegisterInput(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=128, write_only=True, style={"input_type": "password"})
    full_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")


class LoginInput(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=128, write_only=True, style={"input_type": "password"})


class RefreshInput(serializers.Serializer):
    refresh = serializers.CharField(max_length=4096)


class PasswordChangeInput(serializers.Serializer):
    old_password = serializers.CharField(max_length=128, style={"input_type": "password"})
    new_password = serializers.CharField(max_length=128, style={"input_type": "password"})


class TokenPairOutput(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class UserOutput(ModelOutputSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "full_name", "is_staff"]
        read_only_fields = fields


class JwksOutput(serializers.Serializer):
    keys = serializers.ListField(child=serializers.DictField())
