"""Limit/offset pages for plain APIViews, and the matching OpenAPI description."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

PAGE_PARAMETERS = [
    OpenApiParameter("limit", int, description="Number of results to return per page."),
    OpenApiParameter("offset", int, description="The initial index from which to return results."),
]


class BoundedPagination(LimitOffsetPagination):
    """Limit/offset pages with bounds: a huge `limit` or `offset` must never reach the SQL."""

    max_limit = 500
    max_offset = 2**31 - 1

    def get_offset(self, request: Request) -> int:
        return min(super().get_offset(request), self.max_offset)


def paginated_response(
    queryset: QuerySet[Any],
    serializer_class: type[serializers.BaseSerializer[Any]],
    *,
    request: Request,
    view: APIView,
) -> Response:
    paginator = BoundedPagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)


def paginated_schema(
    serializer_class: type[serializers.BaseSerializer[Any]],
) -> serializers.Serializer[Any]:
    return inline_serializer(
        name=f"Paginated{serializer_class.__name__}",
        fields={
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": serializer_class(many=True),
        },
    )
