"""Cursor pagination for every list: stable under inserts, no COUNT(*) on big tables."""

from rest_framework.pagination import CursorPagination


class NewestFirstCursorPagination(CursorPagination):
    """`{"results": [...], "next": url|null, "previous": url|null}`, newest first by default."""

    ordering = "-created_at"
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
