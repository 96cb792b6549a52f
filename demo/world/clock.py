"""Past moments for the demo's history. The services stamp "now"; the world moves their
stamps back afterwards with `queryset.update()`, so the rules ran as they always do."""

import datetime

from django.utils import timezone

from coordination.models import ConsultationAnswer, ConsultationRequest, Feedback, format_reference


def moment(days_ago: int, hour: int = 9) -> datetime.datetime:
    """A working day `days_ago` days back (a weekend moves to the Friday before) at
    `hour` Helsinki time; never later than half an hour ago."""
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    naive = datetime.datetime.combine(day, datetime.time(hour, (days_ago * 7) % 60))
    at = timezone.make_aware(naive)
    latest = timezone.now() - datetime.timedelta(minutes=30)
    return min(at, latest)


def not_after_now(value: datetime.datetime) -> datetime.datetime:
    return min(value, timezone.now() - datetime.timedelta(minutes=10))


def working_days_later(value: datetime.datetime, days: int) -> datetime.datetime:
    """`days` days later, a weekend moved to the Monday after: the hub works on weekdays."""
    later = value + datetime.timedelta(days=days)
    while timezone.localtime(later).weekday() >= 5:
        later += datetime.timedelta(days=1)
    return later


def backdate_request(request: ConsultationRequest, submitted: datetime.datetime) -> None:
    """Move a request's history back so that it was sent at `submitted`: the first
    response the next day, the closing three days after sending (weekends skipped), the
    answer and the feedback with them. The reference follows the year it was sent."""
    request.refresh_from_db()
    responded = not_after_now(working_days_later(submitted, 1) + datetime.timedelta(hours=2))
    closed = not_after_now(working_days_later(submitted, 3) + datetime.timedelta(hours=4))
    changes: dict = {
        "submitted_at": submitted,
        "reference": format_reference(timezone.localtime(submitted).year, request.pk),
    }
    if request.first_response_at is not None:
        changes["first_response_at"] = responded
    if request.closed_at is not None:
        changes["closed_at"] = closed
    ConsultationRequest.objects.filter(pk=request.pk).update(**changes)
    ConsultationAnswer.objects.filter(request=request).update(answered_at=responded)
    Feedback.objects.filter(request=request).update(
        given_at=not_after_now(responded + datetime.timedelta(hours=20))
    )
