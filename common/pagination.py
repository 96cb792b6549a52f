"""The API's one way of cutting a list into pages."""

from rest_framework.pagination import LimitOffsetPagination

# One request may not list every client of the region: a program that wants more pages
# follows `next`.
MAX_LIMIT = 200


class Pagination(LimitOffsetPagination):
    """`?limit=&offset=`: a limit above MAX_LIMIT gives MAX_LIMIT rows; a limit that is
    not a positive whole number gives the default page (DRF's own parsing), and an offset
    past the end an empty page (DRF compares it to the count before it reaches SQL)."""

    max_limit = MAX_LIMIT
