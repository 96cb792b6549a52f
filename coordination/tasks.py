"""Work the hub does later. Tasks take ids, never objects, and are idempotent.

A notification is a row first (written in the same transaction as the event, so the
in-app inbox shows it even when the broker is down); the task only e-mails it. The run
that claims the row's `emailed_at` with a conditional update sends the e-mail, so a task
delivered twice sends once; a failed send gives the claim back and retries.
"""

import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from coordination.models import Notification, SecurityEvent, User

logger = logging.getLogger(__name__)


@shared_task(
    name="coordination.send_notification_email",
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
)
def send_notification_email(notification_id: int) -> bool:
    notification = (
        Notification.objects.select_related("recipient", "consultation")
        .filter(pk=notification_id)
        .first()
    )
    if notification is None or notification.emailed_at is not None:
        return False
    recipient = notification.recipient
    if not (recipient.is_active and recipient.email):
        return False
    claimed = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if claimed != 1:
        return False
    consultation = notification.consultation
    # No names or identity codes in e-mail: the reference and a link that needs a login.
    context = {
        "recipient": recipient,
        "consultation": consultation,
        "url": settings.SITE_URL.rstrip("/")
        + reverse("consultation_detail", args=[consultation.uuid]),
    }
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"emails/{notification.kind}_subject.txt", context).strip()
        body = render_to_string(f"emails/{notification.kind}.txt", context)
    try:
        send_mail(subject, body, None, [recipient.email])
    except Exception:
        # Give the claim back so that the retry (or a later run) can send it.
        Notification.objects.filter(pk=notification.pk).update(emailed_at=None)
        raise
    return True


@shared_task(
    name="coordination.send_security_notice",
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
)
def send_security_notice(user_id: int, kind: str) -> bool:
    """Tell a person that their second factor changed or a recovery code was used. The
    message names what happened and when, never a secret or code: a person who did not
    do it should contact their administrator."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return False
    context = {
        "recipient": user,
        "what": SecurityEvent.Kind(kind).label,
        "kind": kind,
        "at": timezone.localtime(),
        "url": settings.SITE_URL.rstrip("/") + reverse("two_factor_manage"),
    }
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject = render_to_string("emails/security_notice_subject.txt", context).strip()
        body = render_to_string("emails/security_notice.txt", context)
    send_mail(subject, body, None, [user.email])
    return True
