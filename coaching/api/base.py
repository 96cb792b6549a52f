"""What the coaching API's topics share: small serializers, the `?referral=` filter."""

import uuid as uuid_module

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

# A date or null, for the schema of the record fields a referrer does not see.
extend_schema_field_date = extend_schema_field(serializers.DateField(allow_null=True))

NOT_IN_CASELOAD = "This client is not in your caseload: choose one of your clients."


REFERRAL_FILTER = OpenApiParameter(
    "referral", OpenApiTypes.UUID, description="Only the records of this referral."
)


def by_referral(request, queryset):
    """`?referral=<uuid>`: a malformed id is a 400, an unknown one an empty list."""
    value = request.query_params.get("referral")
    if not value:
        return queryset
    try:
        uuid_module.UUID(value)
    except ValueError:
        raise ValidationError({"referral": ["Not a valid id."]}) from None
    return queryset.filter(referral__uuid=value)


class ClientNameSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    first_name = serializers.CharField()
    last_name = serializers.CharField()


class NamedOrganizationSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    name = serializers.CharField()
