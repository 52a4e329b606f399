from rest_framework import serializers

from servicekit.serializers import ModelOutputSerializer

from ..models import Notification


class NotificationOutput(ModelOutputSerializer):
    read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "message", "data", "created_at", "read", "read_at"]
        read_only_fields = fields


class NotificationFilterInput(serializers.Serializer):
    unread = serializers.BooleanField(required=False, default=False, help_text="Only unread notifications.")


class NotificationCreateInput(serializers.Serializer):
    """Staff announcements to one user; the system's own notifications come from events."""

    user_id = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=Notification.Kind.choices, default=Notification.Kind.ANNOUNCEMENT)
    message = serializers.CharField(max_length=2000)
    data = serializers.DictField(required=False, default=dict)
    email = serializers.EmailField(required=False, help_text="Also e-mail it here.")
