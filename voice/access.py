"""Who may hand out and follow a client's one-time links: whoever may see the touchpoint
the link is about, by the rules of the app that owns it (a consultation by
`coordination.access`, a meeting by `networks.access`, a plan by `serviceplans.access`, a
job-coaching referral by `coaching.access`). Everybody else gets 404."""

from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from coaching.access import access_referral, can_see_record, referrals_visible_to
from coaching.models import Referral
from coordination.access import access_consultation, consultations_visible_to
from coordination.models import ConsultationRequest
from networks.access import access_meeting, meetings_visible_to
from networks.models import NetworkMeeting
from serviceplans.access import access_plan, plans_visible_to
from serviceplans.models import ServicePlan
from voice.models import ClientLink, Touchpoint


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def links_visible_to(user) -> QuerySet[ClientLink]:
    """The links of the touchpoints `user` may see."""
    if not _active(user) or not (user.is_coordinator or user.is_professional):
        return ClientLink.objects.none()
    return ClientLink.objects.filter(
        Q(consultation__in=consultations_visible_to(user).filter(client__isnull=False))
        | Q(meeting__in=meetings_visible_to(user))
        | Q(plan__in=plans_visible_to(user))
        | Q(referral__in=referrals_visible_to(user))
    )


def access_link(user, link_id) -> ClientLink:
    """The link with this uuid if `user` may see its touchpoint; 404 for missing and
    forbidden."""
    try:
        return (
            links_visible_to(user)
            .select_related("client", "organization", "created_by")
            .get(uuid=link_id)
        )
    except (ClientLink.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None


def may_hand_out_on_page(user, obj: Model) -> bool:
    """On the page of `obj`, which its view has shown to `user` through its own access
    rule: whether the page offers links. Asks the database only where the page's rule is
    wider than the link's (a referral's status against its record)."""
    if not _active(user) or not (user.is_coordinator or user.is_professional):
        return False
    if isinstance(obj, ConsultationRequest):
        return user.is_coordinator and obj.client_id is not None
    if isinstance(obj, Referral):
        return can_see_record(user, obj)
    return isinstance(obj, NetworkMeeting | ServicePlan)


def access_touchpoint(user, touchpoint: str, object_id) -> Model:
    """The consultation, meeting, plan or referral a link would be about, if `user` may
    see it and it names a client the link can be for; 404 otherwise."""
    if not _active(user) or not (user.is_coordinator or user.is_professional):
        raise Http404
    if touchpoint == Touchpoint.CONSULTATION_ANSWER:
        consultation = access_consultation(user, object_id)
        # The requester sees their request, not the client record the hub keeps.
        if consultation.client_id is None or not user.is_coordinator:
            raise Http404
        return consultation
    if touchpoint == Touchpoint.NETWORK_MEETING:
        return access_meeting(user, object_id)
    if touchpoint == Touchpoint.PLAN_AGREEMENT:
        return access_plan(user, object_id)
    if touchpoint == Touchpoint.JOB_COACHING:
        referral = access_referral(user, object_id)
        if not can_see_record(user, referral):
            raise Http404
        return referral
    raise Http404
