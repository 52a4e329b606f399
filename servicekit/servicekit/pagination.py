"""Cursor pagination for every list: stable under inserts, no COUNT(*) on big tables."""

from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination


class NewestFirstCursorPagination(CursorPagination):
    """`{"results": [...], "next": url|null, "previous": url|null}`, newest first by default."""

    ordering = "-created_at"
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def decode_cursor(self, request):
        # A cursor that is not one of ours is bad input (400), not a missing page (DRF's 404).
        try:
            return super().decode_cursor(request)
        except NotFound as exc:
            raise ValidationError({self.cursor_query_param: [str(exc.detail)]}) from exc
