"""The access-log review: what an administrator reads of the access log.

The list, its CSV export and the client's access report all start from
`access_logs_visible_to(user)` and show who read which client, when, how and on what
basis – the log subject by name and masked identity code, never the client's content.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.fi import hetu

from clients.models import AccessLog, AccessLogReview, Client, normalize_identity_code

SEARCH_LIMIT = 20
CSV_CHUNK = 2000


def with_related(queryset: QuerySet[AccessLog]) -> QuerySet[AccessLog]:
    """Newest first, with the user, their organisation and the client in the same query."""
    return queryset.select_related("user__organization", "client").order_by("-at", "-pk")


def find_clients(query: str) -> list[Client]:
    """A valid identity code finds its client exactly; anything else is a name search
    (every word in the first or last name). Anonymised clients are found by neither."""
    query = (query or "").strip()
    code = normalize_identity_code(query)
    if code and hetu.is_valid(code, allow_temporary=True):
        return list(Client.objects.filter(personal_identity_code=code))
    words = query.split()
    if not words:
        return []
    condition = Q()
    for word in words:
        condition &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
    return list(Client.objects.filter(condition).order_by("last_name", "first_name")[:SEARCH_LIMIT])


# --- CSV -------------------------------------------------------------------------------


def csv_header() -> list[str]:
    return [
        _("Time"),
        _("User"),
        _("Username"),
        _("Organisation"),
        _("Client"),
        _("Personal identity code (masked)"),
        _("Client ID"),
        _("Action"),
        _("Basis"),
        _("Kind of data"),
        _("Address"),
        _("Path"),
    ]


def csv_row(entry: AccessLog) -> list[object]:
    user = entry.user
    return [
        timezone.localtime(entry.at),
        user.get_full_name(),
        user.username,
        user.organization.name if user.organization else "",
        str(entry.client),
        entry.client.masked_identity_code,
        str(entry.client.uuid),
        entry.get_action_display(),
        entry.get_basis_display(),
        entry.object_kind_label,
        entry.ip_address or "",
        entry.path,
    ]


def csv_rows(queryset: QuerySet[AccessLog]) -> Iterator[list]:
    """One row per entry, read from the database in chunks (`iterator`) so that a year of
    log never sits in memory; `common.csvexport` writes them."""
    for entry in with_related(queryset).iterator(chunk_size=CSV_CHUNK):
        yield csv_row(entry)


# --- The client's access report (703/2023 section 11) ----------------------------------


@dataclass
class UserGroup:
    user: object
    entries: list[AccessLog] = field(default_factory=list)

    @property
    def first(self) -> datetime.datetime:
        return self.entries[0].at

    @property
    def last(self) -> datetime.datetime:
        return self.entries[-1].at


@dataclass
class OrganizationGroup:
    organization: object  # None: a user with no organisation
    disclosure: bool  # another organisation than the one that recorded the client
    users: list[UserGroup] = field(default_factory=list)
    by_user: dict = field(default_factory=dict, repr=False)

    @property
    def count(self) -> int:
        return sum(len(group.entries) for group in self.users)


def recording_organization(client: Client):
    """The organisation whose worker recorded the client, if known."""
    creator = client.created_by
    return creator.organization if creator is not None else None


def client_report(client: Client) -> dict:
    """Who has seen this person's data, when and why: the client's log grouped by
    organisation and user, oldest first, each organisation marked as a disclosure when
    it is not the one that recorded the client; and the reviews of this client's log.
    Three queries whatever the size: the creator, the log, the reviews."""
    if client.created_by_id is not None:
        client = Client.objects.select_related("created_by__organization").get(pk=client.pk)
    recorder = recording_organization(client)
    entries = client.access_logs.select_related("user__organization").order_by("at", "pk")
    groups: dict = {}
    total = 0
    for entry in entries:
        total += 1
        organization = entry.user.organization
        key = organization.pk if organization else None
        group = groups.get(key)
        if group is None:
            disclosure = recorder is not None and (
                organization is None or organization.pk != recorder.pk
            )
            group = groups[key] = OrganizationGroup(organization, disclosure)
        user_group = group.by_user.get(entry.user_id)
        if user_group is None:
            user_group = group.by_user[entry.user_id] = UserGroup(entry.user)
            group.users.append(user_group)
        user_group.entries.append(entry)
    organizations = sorted(
        groups.values(),
        key=lambda g: (g.disclosure, g.organization.name if g.organization else "~"),
    )
    reviews = list(
        AccessLogReview.objects.filter(client=client).select_related("user").order_by("at", "pk")
    )
    return {
        "client": client,
        "recording_organization": recorder,
        "organizations": organizations,
        "total": total,
        "disclosures": sum(group.count for group in organizations if group.disclosure),
        "reviews": reviews,
        "printed_at": timezone.localtime(),
    }
