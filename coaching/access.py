"""Who sees what in the coaching app: `<model>s_visible_to(user)` and `access_<model>(user,
id)` raising 404 for missing and forbidden alike. Views and the API call these; never
filter by hand.

A referral (the client's coaching record) is seen by
- the hub's coordinators: every referral;
- a job coach: their own caseload (coach = them) and the waiting referrals sent to their
  team (their organisation), so that they can take one;
- the professional who sent it: the referral itself (status, dates, coach), not the record
  inside it;
- the active members of the client's network (networks.access) whose organisation a
  valid job-coaching consent of the client names: the whole record, read-only. The
  network consent does not disclose the coaching record; a member without the coaching
  consent sees only that coaching goes on and whom to ask (`coaching_notices`).
Managers, administrators and everybody else see none. Only the record's coach, or a
coordinator, writes to it.

Employers (organisations of kind employer) and their contact history are seen by job
coaches and coordinators. Fidelity reviews carry no client data: job coaches,
coordinators and managers see them."""

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from clients.access import access_client
from clients.models import AccessLog, Consent
from coaching.models import (
    EmployerContact,
    FidelityReview,
    FollowAlongNote,
    JobStart,
    Referral,
)
from coordination.access import access_consultation, can_see_client_of
from coordination.models import Organization, User
from networks.access import active_memberships
from networks.models import ClientNetwork
from serviceplans.access import access_action


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def _coaching_consents(user) -> QuerySet[Consent]:
    """The valid job-coaching consents that name the user's organisation."""
    return Consent.objects.valid().filter(
        scope=Consent.Scope.JOB_COACHING, organizations=user.organization_id
    )


def _network_member_q(user) -> Q:
    """A member of the client's network whose organisation the client's job-coaching
    consent names: the coaching record is disclosed under that consent, not under the
    network consent."""
    if not user.organization_id:
        return Q(pk__in=[])
    member = active_memberships(user).filter(network__client=OuterRef("client"))
    consented = _coaching_consents(user).filter(client=OuterRef("client"))
    return Q(Exists(member)) & Q(Exists(consented))


def is_consented_member(user, client_id) -> bool:
    """Whether `user` is an active member of the client's network and the client's valid
    job-coaching consent names their organisation (one query)."""
    if not (_active(user) and user.is_professional and user.organization_id):
        return False
    return (
        active_memberships(user)
        .filter(network__client=client_id)
        .filter(Exists(_coaching_consents(user).filter(client=client_id)))
        .exists()
    )


def referrals_visible_to(user) -> QuerySet[Referral]:
    if not _active(user):
        return Referral.objects.none()
    if user.is_coordinator:
        return Referral.objects.all()
    if user.is_professional:
        condition = Q(referred_by=user) | _network_member_q(user)
        if user.is_job_coach:
            condition |= Q(coach=user)
            if user.organization_id:
                condition |= Q(status=Referral.Status.WAITING, team=user.organization_id)
        return Referral.objects.filter(condition)
    return Referral.objects.none()


def records_visible_to(user) -> QuerySet[Referral]:
    """The referrals whose record (profile, employer contacts, job starts, notes) `user`
    sees: as `referrals_visible_to` without the referrer's status-only view."""
    if not _active(user):
        return Referral.objects.none()
    if user.is_coordinator:
        return Referral.objects.all()
    if user.is_professional:
        condition = _network_member_q(user)
        if user.is_job_coach:
            condition |= Q(coach=user)
            if user.organization_id:
                condition |= Q(status=Referral.Status.WAITING, team=user.organization_id)
        return Referral.objects.filter(condition)
    return Referral.objects.none()


def access_referral(user, referral_id, queryset=None) -> Referral:
    """The referral with this uuid if `user` may see it; 404 for missing and forbidden."""
    queryset = referrals_visible_to(user) if queryset is None else queryset
    try:
        return queryset.select_related(
            "client", "team", "coach", "referred_by", "plan_action", "consultation"
        ).get(uuid=referral_id)
    except (Referral.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None


def can_see_record(user, referral: Referral) -> bool:
    """Whether `user` sees the record inside the referral, not only its status."""
    if not _active(user):
        return False
    if user.is_coordinator or (referral.coach_id and referral.coach_id == user.pk):
        return True
    if (
        user.is_job_coach
        and referral.is_waiting
        and user.organization_id
        and referral.team_id == user.organization_id
    ):
        return True
    return is_consented_member(user, referral.client_id)


def can_write_referral(user, referral: Referral) -> bool:
    """Writing the record: its coach or a coordinator, while it is open."""
    if not _active(user) or not referral.is_open:
        return False
    return user.is_coordinator or (
        referral.coach_id is not None and referral.coach_id == user.pk and user.is_job_coach
    )


def can_take_referral(user, referral: Referral) -> bool:
    """A job coach of the team the referral was sent to, while it waits."""
    return bool(
        _active(user)
        and user.is_job_coach
        and referral.is_waiting
        and user.organization_id
        and referral.team_id == user.organization_id
    )


def can_end_referral(user, referral: Referral) -> bool:
    """Ending: the coach or a coordinator; a waiting referral also by a coach of its
    team (for instance when the client does not want coaching after all)."""
    return can_write_referral(user, referral) or can_take_referral(user, referral)


def referral_basis(user, referral: Referral) -> str:
    """The basis written in the access log for a read of this referral: the hub role,
    the coaching itself, the client's job-coaching consent (a network member reading the
    record), or the consultation (the referrer, who sees the status only). A referral
    annotated with `record_visible` (the API's queryset) needs no query."""
    if user.is_coordinator:
        return AccessLog.Basis.HUB_ROLE
    if user.is_job_coach and (
        referral.coach_id == user.pk
        or (referral.is_waiting and referral.team_id == user.organization_id)
    ):
        return AccessLog.Basis.JOB_COACHING
    record_visible = getattr(referral, "record_visible", None)
    if record_visible is None:
        record_visible = is_consented_member(user, referral.client_id)
    if record_visible:
        return AccessLog.Basis.JOB_COACHING_CONSENT
    return AccessLog.Basis.CONSULTATION


def list_basis(user) -> str:
    """The basis of a list read of coaching records (one row per client): the user's
    main basis. A professional who is no coach reads records only under the client's
    job-coaching consent."""
    if user.is_coordinator:
        return AccessLog.Basis.HUB_ROLE
    if user.is_job_coach:
        return AccessLog.Basis.JOB_COACHING
    return AccessLog.Basis.JOB_COACHING_CONSENT


def coaching_notices(user, client) -> list[Referral]:
    """The client's open referrals whose record `user` may not read although they see the
    client (a network member outside the job-coaching consent, say): that coaching goes
    on and whom to ask – the coach's name and organisation, or the team while the
    referral waits – and nothing of the record. One query."""
    if not _active(user):
        return []
    return list(
        Referral.objects.filter(client=client)
        .exclude(status=Referral.Status.ENDED)
        .exclude(pk__in=referrals_visible_to(user).values("pk"))
        .select_related("coach", "coach__organization", "team")
        .order_by("-referred_on", "-pk")
    )


def caseload_of(user) -> QuerySet[Referral]:
    """The coach's clients being served (active or in follow-along)."""
    return referrals_visible_to(user).filter(coach=user, status__in=Referral.CASELOAD_STATUSES)


def writable_caseload(user) -> QuerySet[Referral]:
    """The referrals `user` may record employer work for: their own caseload; for a
    coordinator, every referral in someone's caseload."""
    if not _active(user):
        return Referral.objects.none()
    if user.is_coordinator:
        return Referral.objects.filter(status__in=Referral.CASELOAD_STATUSES)
    if user.is_job_coach:
        return Referral.objects.filter(coach=user, status__in=Referral.CASELOAD_STATUSES)
    return Referral.objects.none()


# --- Records inside a referral ---------------------------------------------------------


def employer_contacts_visible_to(user) -> QuerySet[EmployerContact]:
    return EmployerContact.objects.filter(referral__in=records_visible_to(user))


def job_starts_visible_to(user) -> QuerySet[JobStart]:
    return JobStart.objects.filter(referral__in=records_visible_to(user))


def access_job_start(user, job_start_id) -> JobStart:
    try:
        return (
            job_starts_visible_to(user)
            .select_related("referral", "referral__client", "referral__coach", "employer")
            .get(uuid=job_start_id)
        )
    except (JobStart.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None


def follow_along_notes_visible_to(user) -> QuerySet[FollowAlongNote]:
    return FollowAlongNote.objects.filter(referral__in=records_visible_to(user))


# --- Employers -------------------------------------------------------------------------


def can_see_employers(user) -> bool:
    return _active(user) and (user.is_coordinator or user.is_job_coach)


def employers_visible_to(user) -> QuerySet[Organization]:
    """Organisations of kind employer, for job coaches and coordinators."""
    if not can_see_employers(user):
        return Organization.objects.none()
    return Organization.objects.filter(kind=Organization.Kind.EMPLOYER, active=True)


def access_employer(user, employer_id) -> Organization:
    try:
        return employers_visible_to(user).get(uuid=employer_id)
    except (Organization.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None


def employer_history_visible_to(user) -> QuerySet[EmployerContact]:
    """Every coach's contacts with employers (the team's shared history): dates, coaches,
    types and outcomes. Which client a contact was for is shown only where the user sees
    the referral (`records_visible_to`)."""
    if not can_see_employers(user):
        return EmployerContact.objects.none()
    return EmployerContact.objects.all()


# --- Fidelity reviews ------------------------------------------------------------------


def can_see_fidelity(user) -> bool:
    return _active(user) and (user.is_coordinator or user.is_job_coach or user.is_manager)


def fidelity_reviews_visible_to(user) -> QuerySet[FidelityReview]:
    if not can_see_fidelity(user):
        return FidelityReview.objects.none()
    return FidelityReview.objects.all()


def can_review_fidelity(user, team: Organization | None = None) -> bool:
    """Saving a review: a coordinator, or a job coach for their own team."""
    if not _active(user):
        return False
    if user.is_coordinator:
        return True
    return user.is_job_coach and (team is None or team.pk == user.organization_id)


def coaching_teams() -> QuerySet[Organization]:
    """Organisations with at least one active job coach: the teams a referral can be sent
    to and fidelity reviews are about."""
    coaches = User.objects.filter(
        organization=OuterRef("pk"), role=User.Role.JOB_COACH, is_active=True
    )
    return Organization.objects.filter(Exists(coaches), active=True)


def referral_subject(user, *, plan_action=None, consultation=None, client=None):
    """What a referral is made from, as the page's query or the API's body names it: an
    IPS plan action, a consultation that asked for job coaching, or the client (the first
    one given). Returns (client, plan action or None, consultation or None); 404 when the
    user may not see it, or not the consultation's client, or nothing is given."""
    if plan_action:
        action = access_action(user, plan_action)
        return action.plan.client, action, None
    if consultation:
        request = access_consultation(user, consultation)
        if not can_see_client_of(user, request):
            raise Http404
        return request.client, None, request
    if client:
        return access_client(user, client), None, None
    raise Http404


def last_contact_on() -> Subquery:
    """A referral's latest employer contact date, to annotate referrals with."""
    return Subquery(
        EmployerContact.objects.filter(referral=OuterRef("pk"))
        .order_by("-contacted_on")
        .values("contacted_on")[:1]
    )


# --- What waits for a person (the home page's worklist) --------------------------------

# IPS: a client in the caseload should hear from the coach (an employer contact on their
# behalf is recorded) at least every 30 days; the caseload marks those past it.
NO_CONTACT_LIMIT_DAYS = 30
# How many days before the limit a client is listed as nearing it.
NO_CONTACT_WARNING_DAYS = 7
# How long after a job start the plan should be updated in a network meeting.
TURNING_POINT_DAYS = 30


def waiting_for_my_team(user) -> QuerySet[Referral]:
    """The waiting referrals sent to the job coach's team, the oldest first."""
    if not (_active(user) and user.is_job_coach and user.organization_id):
        return Referral.objects.none()
    return (
        referrals_visible_to(user)
        .filter(status=Referral.Status.WAITING, team=user.organization_id)
        .select_related("client")
        .order_by("referred_on", "pk")
    )


def nearing_no_contact_limit(user, *, today) -> QuerySet[Referral]:
    """The coach's caseload whose last contact (or, without one, the day the referral was
    taken) is NO_CONTACT_LIMIT_DAYS - NO_CONTACT_WARNING_DAYS days ago or more, the
    longest without contact first."""
    warn_from = today - datetime.timedelta(days=NO_CONTACT_LIMIT_DAYS - NO_CONTACT_WARNING_DAYS)
    return (
        caseload_of(user)
        .annotate(last_contact_on=last_contact_on())
        .annotate(contact_or_start=Coalesce("last_contact_on", "taken_on", "referred_on"))
        .filter(contact_or_start__lte=warn_from)
        .select_related("client")
        .order_by("contact_or_start", "pk")
    )


def recent_job_starts(user, *, today) -> QuerySet[JobStart]:
    """Job starts in the last TURNING_POINT_DAYS of the clients whose network the user
    coordinates: turning points where the plan needs updating, the newest first."""
    since = today - datetime.timedelta(days=TURNING_POINT_DAYS)
    coordinated = ClientNetwork.objects.filter(
        client=OuterRef("referral__client"), coordinator=user
    ).exclude(status=ClientNetwork.Status.CLOSED)
    return (
        job_starts_visible_to(user)
        .filter(Exists(coordinated), started_on__gte=since, started_on__lte=today)
        .select_related("referral", "referral__client", "employer")
        .order_by("-started_on", "pk")
    )
