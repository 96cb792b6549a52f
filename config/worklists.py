"""“Minulle nyt”: what waits for the person, on their home page, per role.

Each app says what is open for a person in its own access module (`networks.access`,
`serviceplans.access`, `coaching.access`, `coordination.queue`, `metrics`); this module,
above them all, only composes the lists of each role. Each list is one query (a few more
for the manager's figures), capped at LIMIT items, so the home page costs the same
whatever the amount of work. Every item links to the thing itself."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.audit import log_client_access
from clients.models import AccessLog
from coaching import access as coaching
from coordination import queue
from coordination.access import consultations_visible_to
from coordination.models import ConsultationRequest, User
from metrics.monthly_headline import MonthFigure, this_month_against_last
from networks import access as networks
from serviceplans import access as plans

# Items shown per list; one more is fetched to know that there are more.
LIMIT = 6
# Actions due within this many days are "due" (overdue ones always are).
ACTIONS_DUE_DAYS = 14
REVIEWS_DUE_DAYS = 7
# The coordinator's meetings: today and the six days after it.
MEETING_DAYS = 7


@dataclass(frozen=True)
class Item:
    text: str
    url: str
    detail: str = ""
    when: datetime.date | datetime.datetime | None = None
    # A word that must stand out: "Urgent", "Overdue".
    flag: str = ""
    client: Any = None

    @property
    def has_time(self) -> bool:
        return isinstance(self.when, datetime.datetime)


@dataclass
class Section:
    key: str
    title: str
    empty: str
    items: list[Item] = field(default_factory=list)
    more: bool = False
    more_url: str = ""
    more_label: str = ""
    # The access log's basis for the clients shown; None: by role (clients.access).
    basis: str | None = None


def _capped(section: Section, items: list[Item]) -> Section:
    section.items = items[:LIMIT]
    section.more = len(items) > LIMIT
    return section


# --- Professionals and job coaches ------------------------------------------------------


def _my_networks(user) -> Section:
    section = Section(
        "networks",
        _("My client networks"),
        _("You are not a member of an open client network."),
        more_url=reverse("networks:my_networks"),
        more_label=_("All my networks"),
    )
    items = [
        Item(
            text=str(member.network.client),
            url=reverse("networks:network_detail", args=[member.network.uuid]),
            detail=member.get_role_display(),
            client=member.network.client,
        )
        for member in networks.open_memberships(user)[: LIMIT + 1]
    ]
    return _capped(section, items)


def _my_meetings(user, now) -> Section:
    section = Section(
        "meetings",
        _("My next network meetings"),
        _("No meetings you are invited to."),
    )
    items = [
        Item(
            text=str(meeting.network.client),
            url=reverse("networks:meeting_detail", args=[meeting.uuid]),
            when=timezone.localtime(meeting.starts_at),
            client=meeting.network.client,
        )
        for meeting in networks.meetings_invited_to(user, since=now)[: LIMIT + 1]
    ]
    return _capped(section, items)


def _action_items(actions, today) -> list[Item]:
    """One item per action lineage (an agreed version and its draft copy are one)."""
    seen, items = set(), []
    for action in actions:
        if action.lineage in seen:
            continue
        seen.add(action.lineage)
        items.append(
            Item(
                text=action.description,
                url=reverse("serviceplans:plan_detail", args=[action.plan.uuid]),
                detail=str(action.plan.client),
                when=action.due_date,
                flag=_("Overdue") if action.due_date and action.due_date < today else "",
                client=action.plan.client,
            )
        )
    return items


def _my_actions(user, today) -> Section:
    section = Section(
        "actions",
        _("My plan actions due"),
        _("No actions of yours are due in the next two weeks."),
        more_url=reverse("serviceplans:my_actions"),
        more_label=_("All my actions"),
    )
    until = today + datetime.timedelta(days=ACTIONS_DUE_DAYS)
    # Twice the cap: an action may come twice (agreed version and draft copy).
    actions = plans.my_actions_due(user, until=until)[: 2 * LIMIT + 2]
    return _capped(section, _action_items(actions, today))


def _feedback_waiting(user) -> Section:
    section = Section(
        "feedback",
        _("Answers waiting for your feedback"),
        _("No answers are waiting for your feedback."),
        more_url=reverse("my_requests"),
        more_label=_("My requests"),
    )
    mine = reverse("my_requests")
    items = [
        Item(
            text=request.reference or "",
            url=f"{mine}#request-{request.uuid}",
            detail=request.get_status_display(),
            when=timezone.localdate(request.first_response_at)
            if request.first_response_at
            else None,
        )
        for request in queue.answers_awaiting_feedback(user)[: LIMIT + 1]
    ]
    return _capped(section, items)


def _more_information_asked(user) -> Section:
    section = Section(
        "more_information",
        _("The hub asks you for more information"),
        _("The hub is not waiting for more information from you."),
        more_url=reverse("my_requests"),
        more_label=_("My requests"),
    )
    items = [
        Item(
            text=request.reference or "",
            url=reverse("consultation_detail", args=[request.uuid]) + "#conversation",
            detail=str(_("Waiting for your reply")),
            when=timezone.localdate(request.waiting_for_requester_since),
            flag=_("Reply"),
        )
        for request in queue.waiting_for_me(user)[: LIMIT + 1]
    ]
    return _capped(section, items)


def _team_referrals(user) -> Section:
    section = Section(
        "referrals",
        _("Referrals waiting for your team"),
        _("No referrals are waiting for your team."),
        more_url=reverse("coaching:caseload"),
        more_label=_("Coaching clients"),
        basis=coaching.list_basis(user),
    )
    items = [
        Item(
            text=str(referral.client),
            url=reverse("coaching:referral_detail", args=[referral.uuid]),
            when=referral.referred_on,
            client=referral.client,
        )
        for referral in coaching.waiting_for_my_team(user)[: LIMIT + 1]
    ]
    return _capped(section, items)


def _no_contact(user, today) -> Section:
    section = Section(
        "no_contact",
        _("Clients nearing %(days)s days without contact")
        % {"days": coaching.NO_CONTACT_LIMIT_DAYS},
        _("Every client in your caseload has had a contact recently."),
        more_url=reverse("coaching:caseload"),
        more_label=_("Coaching clients"),
        basis=coaching.list_basis(user),
    )
    items = []
    for referral in coaching.nearing_no_contact_limit(user, today=today)[: LIMIT + 1]:
        days = (today - referral.contact_or_start).days  # type: ignore[attr-defined]
        items.append(
            Item(
                text=str(referral.client),
                url=reverse("coaching:referral_detail", args=[referral.uuid]),
                detail=_("%(days)s days since the last contact") % {"days": days},
                flag=_("Over the limit") if days > coaching.NO_CONTACT_LIMIT_DAYS else "",
                client=referral.client,
            )
        )
    return _capped(section, items)


def professional_worklist(user, now) -> list[Section]:
    today = timezone.localdate(now)
    sections = []
    if user.is_job_coach:
        sections += [_team_referrals(user), _no_contact(user, today)]
    sections += [
        _more_information_asked(user),
        _my_actions(user, today),
        _my_meetings(user, now),
        _feedback_waiting(user),
        _my_networks(user),
    ]
    return sections


# --- Coordinators ------------------------------------------------------------------------


def _hub_requests(user, today) -> Section:
    section = Section(
        "requests",
        _("Unassigned and urgent requests"),
        _("No unassigned or urgent requests are waiting."),
        more_url=reverse("consultation_queue"),
        more_label=_("Open the queue"),
    )
    waiting = queue.waiting_for_hub(consultations_visible_to(user)).filter(
        Q(assigned_to__isnull=True) | Q(urgency=ConsultationRequest.Urgency.URGENT)
    )
    items = [
        Item(
            text=request.reference or "",
            url=reverse("consultation_detail", args=[request.uuid]),
            detail=str(request.requesting_organization),
            when=timezone.localdate(request.submitted_at),
            flag=_("Urgent") if request.urgency == ConsultationRequest.Urgency.URGENT else "",
        )
        for request in queue.needs_action_order(waiting).select_related("requesting_organization")[
            : LIMIT + 1
        ]
    ]
    return _capped(section, items)


def _week_meetings(user, now) -> Section:
    today = timezone.localdate(now)
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    section = Section(
        "week_meetings",
        _("Network meetings in the next seven days"),
        _("No meetings in your networks in the next seven days."),
        more_url=reverse("networks:my_networks"),
        more_label=_("My networks"),
    )
    meetings = networks.meetings_of_my_networks(
        user, since=start, until=start + datetime.timedelta(days=MEETING_DAYS)
    )
    items = [
        Item(
            text=str(meeting.network.client),
            url=reverse("networks:meeting_detail", args=[meeting.uuid]),
            when=timezone.localtime(meeting.starts_at),
            client=meeting.network.client,
        )
        for meeting in meetings[: LIMIT + 1]
    ]
    return _capped(section, items)


def _reviews_due(user, today) -> Section:
    section = Section(
        "reviews",
        _("Plan reviews due"),
        _("No plan reviews are due in your networks in the next seven days."),
    )
    until = today + datetime.timedelta(days=REVIEWS_DUE_DAYS)
    items = [
        Item(
            text=str(plan.client),
            url=reverse("serviceplans:plan_detail", args=[plan.uuid]),
            when=plan.next_review_date,
            flag=_("Overdue") if plan.next_review_date and plan.next_review_date < today else "",
            client=plan.client,
        )
        for plan in plans.reviews_due(user, until=until)[: LIMIT + 1]
    ]
    return _capped(section, items)


def _overdue_actions(user, today) -> Section:
    section = Section(
        "overdue_actions",
        _("Overdue actions in your networks"),
        _("No actions are overdue in your networks."),
    )
    actions = plans.overdue_actions_in_my_networks(user, today=today)[: LIMIT + 1]
    return _capped(section, _action_items(actions, today))


def _job_starts(user, today) -> Section:
    section = Section(
        "job_starts",
        _("Job starts: update the plan"),
        _("No job starts in your networks in the last 30 days."),
        basis=coaching.list_basis(user),
    )
    items = [
        Item(
            text=str(job.referral.client),
            url=reverse("coaching:referral_detail", args=[job.referral.uuid]),
            detail=str(job.employer),
            when=job.started_on,
            client=job.referral.client,
        )
        for job in coaching.recent_job_starts(user, today=today)[: LIMIT + 1]
    ]
    return _capped(section, items)


def coordinator_worklist(user, now) -> list[Section]:
    today = timezone.localdate(now)
    return [
        _hub_requests(user, today),
        _week_meetings(user, now),
        _reviews_due(user, today),
        _overdue_actions(user, today),
        _job_starts(user, today),
    ]


# --- Composition -------------------------------------------------------------------------


def worklist_for(user, now: datetime.datetime | None = None) -> list[Section]:
    """The sections of `user`'s “Minulle nyt”, in the order they are shown."""
    now = now or timezone.now()
    if user.role == User.Role.COORDINATOR:
        return coordinator_worklist(user, now)
    if user.role in (User.Role.PROFESSIONAL, User.Role.JOB_COACH):
        return professional_worklist(user, now)
    return []


def manager_figures(now: datetime.datetime | None = None) -> list[MonthFigure]:
    return this_month_against_last(timezone.localdate(now or timezone.now()))


def log_worklist(request, sections: list[Section]) -> None:
    """The clients the lists show, in the access log: one insert per basis."""
    by_basis: dict[str | None, list] = {}
    for section in sections:
        by_basis.setdefault(section.basis, []).extend(
            item.client for item in section.items if item.client is not None
        )
    for basis, clients in by_basis.items():
        log_client_access(
            request, clients, action=AccessLog.Action.LIST, kind="worklist", basis=basis
        )
