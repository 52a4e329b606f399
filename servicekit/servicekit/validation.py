"""Input validation shared by every view."""


def validated(serializer_class, data) -> dict:
    """Validate `data` (a body or query parameters); a failure becomes the shared 400 shape."""
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
