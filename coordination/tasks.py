"""Work the hub does later. Tasks take ids, never objects, and are idempotent: the
notification row is unique per recipient, kind and request, and the e-mail is sent only
by the run that claims the row's `emailed_at` with a conditional update."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from coordination.models import ConsultationRequest, Notification, User


def _notify(recipient: User, kind: str, consultation: ConsultationRequest) -> bool:
    """Put the notification in the inbox (once) and e-mail it (once). True if e-mailed."""
    notification, _created = Notification.objects.get_or_create(
        recipient=recipient, kind=kind, consultation=consultation
    )
    if not recipient.email:
        return False
    claimed = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if claimed != 1:
        return False
    # No names or identity codes in e-mail: the reference and a link that needs a login.
    context = {
        "recipient": recipient,
        "consultation": consultation,
        "url": settings.SITE_URL.rstrip("/")
        + reverse("consultation_detail", args=[consultation.uuid]),
    }
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"emails/{kind}_subject.txt", context).strip()
        body = render_to_string(f"emails/{kind}.txt", context)
    send_mail(subject, body, None, [recipient.email])
    return True


@shared_task(name="coordination.notify_requester_of_answer")
def notify_requester_of_answer(consultation_id: int) -> int:
    consultation = (
        ConsultationRequest.objects.select_related("requester").filter(pk=consultation_id).first()
    )
    if consultation is None or not consultation.requester.is_active:
        return 0
    return int(_notify(consultation.requester, Notification.Kind.ANSWERED, consultation))


@shared_task(name="coordination.notify_hub_of_urgent_request")
def notify_hub_of_urgent_request(consultation_id: int) -> int:
    consultation = ConsultationRequest.objects.filter(pk=consultation_id).first()
    if consultation is None:
        return 0
    coordinators = User.objects.filter(
        role=User.Role.COORDINATOR, is_active=True, organization__is_hub=True
    )
    return sum(
        _notify(coordinator, Notification.Kind.URGENT_REQUEST, consultation)
        for coordinator in coordinators
    )
