"""When someone leaves: the work they still hold, and its handover to a colleague.

`ACTIVE_WORK` names every field through which open work points at its owner. The list
of a leaver's work, the handover and the test that nothing is left without an owner all
read it, so that a new kind of owned work is added in one place.

The administrator sees what is handed over by reference only (a request's reference, a
network's short id, a due date): no client's name or content reaches them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coaching.models import Referral
from common.inbox import Kind, announce
from coordination.models import ConsultationRequest, User
from networks.models import ClientNetwork, MeetingDecision, NetworkMeeting, NetworkMember
from networks.services import consent_covers
from people.models import ChangeRecord, HandedOverItem
from people.services import _deactivate, _locked_person, deactivation_errors, record_change
from serviceplans.models import PlanAction, ServicePlan


@dataclass(frozen=True)
class OwnedWork:
    """Open work of one kind: the model, its owner field, and what makes it open."""

    key: str
    label: object
    model: type[models.Model]
    owner_field: str
    open: Callable[[], Q]

    def of(self, user) -> models.QuerySet:
        return self.model._default_manager.filter(self.open(), **{self.owner_field: user})


ACTIVE_WORK = (
    OwnedWork(
        "requests",
        gettext_lazy("Consultation requests assigned to them"),
        ConsultationRequest,
        "assigned_to",
        lambda: Q(status__in=ConsultationRequest.OPEN_STATUSES),
    ),
    OwnedWork(
        "networks",
        gettext_lazy("Networks they coordinate"),
        ClientNetwork,
        "coordinator",
        lambda: ~Q(status=ClientNetwork.Status.CLOSED),
    ),
    OwnedWork(
        "memberships",
        gettext_lazy("Networks they are a member of"),
        NetworkMember,
        "user",
        lambda: Q(left_at__isnull=True) & ~Q(network__status=ClientNetwork.Status.CLOSED),
    ),
    OwnedWork(
        "coaching",
        gettext_lazy("Coaching clients"),
        Referral,
        "coach",
        lambda: ~Q(status=Referral.Status.ENDED),
    ),
    OwnedWork(
        "actions",
        gettext_lazy("Open plan actions"),
        PlanAction,
        "responsible_user",
        lambda: Q(status__in=PlanAction.OPEN_STATUSES) & ~Q(plan__status=ServicePlan.Status.CLOSED),
    ),
    OwnedWork(
        "meetings",
        gettext_lazy("Meetings they organise"),
        NetworkMeeting,
        "created_by",
        lambda: Q(status=NetworkMeeting.Status.SCHEDULED, starts_at__gt=timezone.now()),
    ),
)
WORK = {work.key: work for work in ACTIVE_WORK}


def describe(key: str, obj) -> str:
    """A line an administrator may read: a reference, never client content."""
    if key == "requests":
        return obj.reference
    if key == "networks":
        return str(obj)
    if key == "memberships":
        return f"{obj.network} – {obj.get_role_display()}"
    if key == "coaching":
        return _("Coaching referral %(id)s (%(status)s)") % {
            "id": str(obj.uuid)[:8],
            "status": obj.get_status_display(),
        }
    if key == "actions":
        due = date_format(obj.due_date, "SHORT_DATE_FORMAT") if obj.due_date else "–"
        return _("Action in %(network)s, due %(due)s") % {"network": obj.plan.network, "due": due}
    if key == "meetings":
        return _("Meeting in %(network)s on %(time)s") % {
            "network": obj.network,
            "time": date_format(timezone.localtime(obj.starts_at), "SHORT_DATETIME_FORMAT"),
        }
    return str(obj)


_RELATED = {
    "requests": (),
    "networks": ("client",),
    "memberships": ("network", "network__client"),
    "coaching": (),
    "actions": ("plan", "plan__network", "plan__network__client"),
    "meetings": ("network", "network__client"),
}


@dataclass
class WorkList:
    items: dict[str, list] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(len(rows) for rows in self.items.values())

    def sections(self) -> list[dict]:
        return [
            {
                "key": key,
                "label": WORK[key].label,
                "rows": [describe(key, obj) for obj in rows],
            }
            for key, rows in self.items.items()
            if rows
        ]


def work_of(user, *, lock: bool = False) -> WorkList:
    """Every piece of open work `user` holds, one query per kind."""
    work = WorkList()
    for kind in ACTIVE_WORK:
        queryset = kind.of(user).select_related(*_RELATED[kind.key]).order_by("pk")
        if lock:
            queryset = queryset.select_for_update(of=("self",))
        work.items[kind.key] = list(queryset)
    return work


# --- The checks --------------------------------------------------------------------------


def _receiver_errors(work: WorkList, receiver: User | None, leaver: User) -> list[str]:
    if receiver is None:
        return [_("Choose the colleague who takes the work over.")]
    if receiver.pk == leaver.pk:
        return [_("Choose someone other than the person who leaves.")]
    if not receiver.is_active:
        return [_("%(name)s is not active: choose an active colleague.") % {"name": receiver}]
    errors = []
    if (work.items["requests"] or work.items["networks"]) and not receiver.is_coordinator:
        errors.append(_("Requests and networks go to a work-ability coordinator."))
    if work.items["memberships"] and not (receiver.is_professional or receiver.is_coordinator):
        errors.append(_("Network memberships go to a professional or a coordinator."))
    for referral in work.items["coaching"]:
        if not (receiver.is_job_coach and receiver.organization_id == referral.team_id):
            errors.append(_("Coaching clients go to a job coach of the same coaching team."))
            break
    errors.extend(_consent_errors(work, receiver))
    return errors


def _consent_errors(work: WorkList, receiver: User) -> list[str]:
    """The client's network consent must cover the receiver's organisation (the hub
    works under its role), as when a member is added (networks.services)."""
    if receiver.organization is None:
        return [_("%(name)s has no organisation.") % {"name": receiver}]
    clients = {}
    for key in ("memberships", "actions", "meetings"):
        for obj in work.items[key]:
            network = obj.plan.network if key == "actions" else obj.network
            clients[network.client_id] = network
    return [
        _(
            "The client's consent in %(network)s does not cover %(organization)s: the "
            "work cannot go to %(name)s."
        )
        % {"network": network, "organization": receiver.organization, "name": receiver}
        for network in clients.values()
        if not consent_covers(network.client, receiver.organization)
    ]


# --- The handover ------------------------------------------------------------------------


def _tell(receiver: User, target, record: ChangeRecord) -> None:
    announce(
        receiver,
        Kind.WORK_HANDED_OVER,
        target,
        key=f"handover:{record.pk}:{target._meta.label_lower}:{target.pk}",
    )


def _hand_over_membership(member: NetworkMember, receiver: User, by: User, now) -> NetworkMember:
    """The leaver leaves the network; the receiver takes their place and role (or, if
    already a member, their responsibility). Decisions the leaver was responsible for
    move with it. The network's timeline shows both."""
    member.left_at = now
    member.save(update_fields=["left_at"])
    theirs = NetworkMember.objects.filter(
        network=member.network, user=receiver, left_at__isnull=True
    ).first()
    if theirs is None:
        theirs = NetworkMember.objects.create(
            network=member.network,
            user=receiver,
            organization=receiver.organization,
            role=member.role,
            added_by=by,
            joined_at=now,
        )
    elif member.role == NetworkMember.Role.RESPONSIBLE_WORKER:
        theirs.role = member.role
        theirs.save(update_fields=["role"])
    MeetingDecision.objects.filter(responsible=member).update(responsible=theirs)
    return theirs


def _item(key: str, obj, record: ChangeRecord, receiver: User, now) -> HandedOverItem | None:
    """What the client's record and the network's timeline show of one handed-over
    piece of work; None for a request about no registered client."""
    what = HandedOverItem.What
    network = None
    label = ""
    if key == "requests":
        if obj.client_id is None:
            return None
        kind, client_id = what.REQUEST, obj.client_id
        url = reverse("consultation_detail", args=[obj.uuid])
        label = obj.reference or ""
    elif key == "networks":
        kind, client_id, network = what.COORDINATOR, obj.client_id, obj
        url = reverse("networks:network_detail", args=[obj.uuid])
    elif key == "memberships":
        network = obj.network
        kind, client_id = what.MEMBERSHIP, network.client_id
        url = reverse("networks:network_detail", args=[network.uuid]) + "#h-members"
    elif key == "coaching":
        kind, client_id = what.COACHING, obj.client_id
        url = reverse("coaching:referral_detail", args=[obj.uuid])
    elif key == "actions":
        network = obj.plan.network
        kind, client_id = what.ACTION, network.client_id
        url = reverse("serviceplans:plan_detail", args=[obj.plan.uuid])
        label = obj.description[:80]
    else:
        network = obj.network
        kind, client_id = what.MEETING, network.client_id
        url = reverse("networks:meeting_detail", args=[obj.uuid])
    return HandedOverItem(
        record=record,
        receiver=receiver,
        client_id=client_id,
        network=network,
        what=kind,
        object_id=obj.pk,
        label=label,
        url=url,
        at=now,
    )


def _apply(work: WorkList, receiver: User, by: User, record: ChangeRecord, leaver: User) -> None:
    now = timezone.now()
    items = [
        _item(key, obj, record, receiver, now) for key, rows in work.items.items() for obj in rows
    ]
    for member in work.items["memberships"]:
        _tell(receiver, _hand_over_membership(member, receiver, by, now), record)
    simple = {
        "requests": {"assigned_to": receiver},
        "networks": {"coordinator": receiver},
        "coaching": {"coach": receiver},
        "meetings": {"created_by": receiver},
    }
    for key, values in simple.items():
        for obj in work.items[key]:
            for name, value in values.items():
                setattr(obj, name, value)
            obj.save(update_fields=list(values))
            _tell(receiver, obj, record)
    for action in work.items["actions"]:
        fields = ["responsible_user"]
        if action.responsible_organization_id == leaver.organization_id:
            action.responsible_organization = receiver.organization
            fields.append("responsible_organization")
        action.responsible_user = receiver
        action.save(update_fields=fields)
        _tell(receiver, action, record)
    HandedOverItem.objects.bulk_create([item for item in items if item is not None])


@transaction.atomic
def hand_over_and_deactivate(leaver: User, *, by: User, receiver: User | None) -> WorkList:
    """Hand every piece of the leaver's open work to `receiver` and deactivate the
    leaver, in one transaction: a refusal (an inactive receiver, a receiver outside a
    client's consent, the last administrator) changes nothing."""
    leaver = _locked_person(leaver)
    errors = deactivation_errors(leaver, by=by)
    if errors:
        raise ValidationError({"__all__": errors})
    if receiver is not None:
        receiver = _locked_person(receiver)
    work = work_of(leaver, lock=True)
    if work.count:
        errors = _receiver_errors(work, receiver, leaver)
        if errors or receiver is None:
            raise ValidationError({"receiver": errors})
        record = record_change(
            ChangeRecord.Action.WORK_HANDED_OVER,
            actor=by,
            person=leaver,
            before={"holder": str(leaver)},
            after={
                "holder": str(receiver),
                **{key: len(rows) for key, rows in work.items.items() if rows},
            },
        )
        _apply(work, receiver, by, record, leaver)
    if leaver.is_active:
        _deactivate(leaver, by=by)
    return work
