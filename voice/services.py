"""What happens to a client's one-time link: made, sent, revoked, opened and answered.

The URL carries a random token; the table keeps only its keyed hash (HMAC with the
secret key), so a copy of the table gives no working links and a link gives no data.
Every use and refusal is a `LinkEvent`; an answer to a feedback link is stored without
anything that leads back to the client or the link.
"""

import datetime
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Model
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clients.models import WorkAbilityAssessment
from coaching.models import Referral
from common.dates import short_date
from common.errors import InvalidTransition
from common.inbox import Kind, announce
from coordination.models import ConsultationRequest, Organization
from networks.models import NetworkMeeting
from outbox.services import queue_message
from serviceplans.models import ServicePlan
from voice.models import ClientLink, FeedbackAnswer, LinkEvent, Touchpoint

TOUCHPOINT_FIELDS: dict[str, str] = {
    Touchpoint.CONSULTATION_ANSWER: "consultation",
    Touchpoint.NETWORK_MEETING: "meeting",
    Touchpoint.PLAN_AGREEMENT: "plan",
    Touchpoint.JOB_COACHING: "referral",
}
LANGUAGES = ("fi", "sv", "en")


def hash_token(token: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), token.encode(), hashlib.sha256).hexdigest()


def _hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest() if key else ""


def touchpoint_of(obj: Model) -> str:
    kinds = {
        ConsultationRequest: Touchpoint.CONSULTATION_ANSWER,
        NetworkMeeting: Touchpoint.NETWORK_MEETING,
        ServicePlan: Touchpoint.PLAN_AGREEMENT,
        Referral: Touchpoint.JOB_COACHING,
    }
    return kinds[type(obj)]


def _client_of(obj: Model):
    if isinstance(obj, NetworkMeeting):
        return obj.network.client
    return obj.client  # type: ignore[attr-defined]


def _organization_for(obj: Model, by) -> Organization:
    """The organisation whose service the client is asked about: a job-coaching team
    for its referrals, otherwise the organisation of the person who hands out the link."""
    if isinstance(obj, Referral) and obj.team is not None:
        return obj.team
    organization: Organization | None = by.organization
    if organization is None:
        raise InvalidTransition(_("You need an organisation to hand out a link to a client."))
    return organization


def create_link(*, obj: Model, purpose: str, by, days: int | None = None) -> tuple[ClientLink, str]:
    """A new link to `obj` (a consultation, meeting, plan or referral) for its client.
    Returns the link and its token, which exists only in this return value."""
    client = _client_of(obj)
    if client is None:
        raise InvalidTransition(_("A link can only be made for an identified client."))
    if purpose not in ClientLink.Purpose.values:
        raise InvalidTransition(_("Choose what the link is for."))
    touchpoint = touchpoint_of(obj)
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    language = client.language if client.language in LANGUAGES else "fi"
    with transaction.atomic():
        link = ClientLink.objects.create(
            token_hash=hash_token(token),
            purpose=purpose,
            touchpoint=touchpoint,
            client=client,
            organization=_organization_for(obj, by),
            language=language,
            created_by=by,
            created_at=now,
            expires_at=now + datetime.timedelta(days=days or settings.CLIENT_LINK_DAYS),
            **{TOUCHPOINT_FIELDS[touchpoint]: obj},
        )
        LinkEvent.objects.create(link=link, kind=LinkEvent.Kind.CREATED, at=now)
    return link, token


def send_link(link: ClientLink, *, to: str, url: str, by) -> None:
    """E-mail the link to the client: the message carries the link and nothing else."""
    if link.state != ClientLink.State.OPEN:
        raise InvalidTransition(_("This link can no longer be used. Make a new one."))
    # In the client's language, which may not be the professional's.
    with translation.override(link.language):
        subject = str(
            _("Your feedback")
            if link.purpose == ClientLink.Purpose.FEEDBACK
            else _("Your own assessment before the meeting")
        )
        body = _(
            "Hello,\n\nyou can answer with this link, without logging in:\n%(url)s\n\n"
            "The link works once and until %(date)s.\n"
        ) % {"url": url, "date": short_date(timezone.localdate(link.expires_at))}
    with transaction.atomic():
        queue_message(
            key=f"client-link:{link.uuid}:{secrets.token_hex(4)}",
            to=to,
            subject=subject,
            body=body,
            language=link.language,
        )
        LinkEvent.objects.create(link=link, kind=LinkEvent.Kind.SENT)


def revoke_link(link: ClientLink, *, by) -> None:
    """Stop the link from working; a link already revoked stays as it is."""
    with transaction.atomic():
        changed = ClientLink.objects.filter(
            pk=link.pk, revoked_at__isnull=True, used_at__isnull=True
        ).update(revoked_at=timezone.now(), revoked_by=by)
        if changed:
            LinkEvent.objects.create(link=link, kind=LinkEvent.Kind.REVOKED)
            link.refresh_from_db(fields=["revoked_at", "revoked_by"])


_REFUSALS: dict[str, str] = {
    ClientLink.State.EXPIRED: LinkEvent.Kind.REFUSED_EXPIRED,
    ClientLink.State.USED: LinkEvent.Kind.REFUSED_USED,
    ClientLink.State.REVOKED: LinkEvent.Kind.REFUSED_REVOKED,
}


@dataclass(frozen=True)
class Opened:
    """What opening a token found: the link (None for an unknown token) and, if it may
    not be used, the refusal that was logged."""

    link: ClientLink | None
    refusal: str | None = None


def open_link(token: str, purpose: str, *, log_open: bool = True) -> Opened:
    """Find the link of `token` for `purpose`, logging the opening or the refusal."""
    link = (
        ClientLink.objects.select_related("organization", "client")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if link is None:
        LinkEvent.objects.create(kind=LinkEvent.Kind.REFUSED_UNKNOWN)
        return Opened(None, LinkEvent.Kind.REFUSED_UNKNOWN)
    refusal = _REFUSALS.get(link.state)
    if refusal is None and link.purpose != purpose:
        refusal = LinkEvent.Kind.REFUSED_PURPOSE
    if refusal:
        LinkEvent.objects.create(link=link, kind=refusal)
        return Opened(link, refusal)
    if log_open:
        LinkEvent.objects.create(link=link, kind=LinkEvent.Kind.OPENED)
    return Opened(link)


def log_rate_limited() -> None:
    LinkEvent.objects.create(kind=LinkEvent.Kind.REFUSED_RATE)


def is_replay(link: ClientLink, key: str) -> bool:
    """Whether a used link's answer is being sent again (the same form submission)."""
    return bool(key) and link.used_key == _hash_key(key)


def _claim(link: ClientLink, key: str) -> None:
    """Mark the link used, once: a second submission racing this one finds it taken."""
    now = timezone.now()
    claimed = ClientLink.objects.filter(
        pk=link.pk, used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
    ).update(used_at=now, used_key=_hash_key(key))
    if claimed != 1:
        raise InvalidTransition(_("This link has already been used."))
    LinkEvent.objects.create(link=link, kind=LinkEvent.Kind.USED, at=now)


def submit_feedback(link: ClientLink, *, key: str = "", **answers) -> None:
    """The client's answer, stored apart from the client and the link: the link is
    marked used, the answer keeps only what it is about and the day."""
    if link.purpose != ClientLink.Purpose.FEEDBACK:
        raise InvalidTransition(_("This link is not for feedback."))
    with transaction.atomic():
        _claim(link, key)
        answer = FeedbackAnswer(
            touchpoint=link.touchpoint,
            organization_id=link.organization_id,
            municipality=link.client.municipality,
            answered_on=timezone.localdate(),
            **answers,
        )
        answer.full_clean()
        answer.save()


def submit_self_assessment(
    link: ClientLink, *, score: int, narrative: str = "", key: str = "", **domains
) -> WorkAbilityAssessment:
    """The client's own assessment, on their record as a self-assessment recorded
    through the link of the professional who handed it out."""
    if link.purpose != ClientLink.Purpose.SELF_ASSESSMENT:
        raise InvalidTransition(_("This link is not for a self-assessment."))
    with transaction.atomic():
        _claim(link, key)
        assessment = WorkAbilityAssessment(
            client=link.client,
            assessed_by=link.created_by,
            kind=WorkAbilityAssessment.Kind.SELF,
            score=score,
            narrative=narrative,
            **domains,
        )
        assessment.full_clean()
        assessment.save()
        ClientLink.objects.filter(pk=link.pk).update(assessment=assessment)
        # The one who handed out the link reads it before the meeting. (Feedback is never
        # announced: its arrival would tell them who answered.)
        announce(
            link.created_by,
            Kind.SELF_ASSESSED,
            _touchpoint(link),
            key=f"voice.selfassessment:{assessment.pk}",
        )
    return assessment


def _touchpoint(link: ClientLink) -> Model:
    obj: Model = getattr(link, TOUCHPOINT_FIELDS[link.touchpoint])  # a constraint names it
    return obj
