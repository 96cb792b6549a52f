"""The access log is written here, and only here: page views and API viewsets call
`log_client_access` (directly or through `AccessLoggingMixin`) for every read and write of
a client's data. DRF does not run audit packages on reads, so this is ours."""

from collections.abc import Iterable

from rest_framework.response import Response

from clients.access import access_bases
from clients.models import AccessLog, AccessLogReview, Client
from common.ratelimit import client_address


def _address(request) -> str | None:
    return client_address(request) or None


def log_client_access(
    request,
    clients: Client | Iterable[Client | None],
    *,
    action: str,
    kind: str = "client",
    basis: str | None = None,  # network pages say "network"; None: `access_bases`
) -> None:
    """One row per distinct client shown or changed, in one INSERT (`bulk_create`)."""
    if isinstance(clients, Client):
        clients = [clients]
    seen = {}
    for client in clients:
        if client is not None and client.pk not in seen:
            seen[client.pk] = client
    if not seen:
        return
    user = request.user
    bases = dict.fromkeys(seen, basis) if basis else access_bases(user, seen)
    address = _address(request)
    path = request.path[:300]
    AccessLog.objects.bulk_create(
        AccessLog(
            user=user,
            client_id=pk,
            action=action,
            basis=bases[pk],
            ip_address=address,
            path=path,
            object_kind=kind,
        )
        for pk in seen
    )


class AccessLoggingMixin:
    """For DRF viewsets: logs the clients of each list page and each detail read.
    `access_log_clients(objects)` says which clients the objects show."""

    access_log_kind = "client"

    def access_log_clients(self, objects):
        return objects

    def access_log_basis(self) -> str | None:
        """None: `access_bases` decides per client; the networks API says "network"."""
        return None

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = page if page is not None else list(queryset)
        log_client_access(
            request,
            self.access_log_clients(rows),
            action=AccessLog.Action.API,
            kind=self.access_log_kind,
            basis=self.access_log_basis(),
        )
        serializer = self.get_serializer(rows, many=True)
        if page is not None:
            return self.get_paginated_response(serializer.data)
        return Response(serializer.data)

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        log_client_access(
            request,
            self.access_log_clients([instance]),
            action=AccessLog.Action.API,
            kind=self.access_log_kind,
            basis=self.access_log_basis(),
        )
        return self.response_for(instance)

    def response_for(self, instance):
        return Response(self.get_serializer(instance).data)


def log_access_log_review(
    request, *, action: str, client: Client | None = None, filters: dict | None = None
) -> None:
    """An administrator's reading of the access log, in the append-only
    review trail (`AccessLogReview`) – one INSERT. `filters` holds uuids, dates and choice
    values only; the caller never passes a searched name or an identity code."""
    AccessLogReview.objects.create(
        user=request.user,
        action=action,
        client=client,
        filters=filters or {},
        ip_address=_address(request),
        path=request.path[:300],
    )
