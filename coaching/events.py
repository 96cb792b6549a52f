"""IPS job coaching in the client's record (common.timeline): referrals and their end,
employer contacts, job starts and ends. The referral itself is seen by whoever sees it
(`referrals_visible_to`: the referrer sees its status); the record inside it – employer
contacts and jobs – only by those who see the record (`records_visible_to`: the coach,
the hub, and network members named in the client's job-coaching consent)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coaching.access import (
    employer_contacts_visible_to,
    job_starts_visible_to,
    referrals_visible_to,
)
from coaching.models import EmployerContact, JobStart, Referral
from common.timeline import Event, EventSource, TimelineQuery, day_event_at, newest_rows

KINDS = {
    "coaching_referral": gettext_lazy("Referral to job coaching"),
    "coaching_ended": gettext_lazy("End of job coaching"),
    "employer_contact": gettext_lazy("Employer contact"),
    "job_start": gettext_lazy("Job started"),
    "job_end": gettext_lazy("Job ended"),
}


def _referral_events(referral: Referral) -> list[Event]:
    url = reverse("coaching:referral_detail", args=[referral.uuid])
    events = [
        Event(
            day_event_at(referral.referred_on),  # type: ignore[arg-type]
            "coaching_referral",
            _("Referred to IPS job coaching"),
            str(referral.team or ""),
            url,
            date_only=True,
        )
    ]
    if referral.ended_on:
        events.append(
            Event(
                day_event_at(referral.ended_on),  # type: ignore[arg-type]
                "coaching_ended",
                _("Job coaching ended: %(reason)s") % {"reason": referral.get_end_reason_display()},
                url=url,
                date_only=True,
            )
        )
    return events


def _contact_event(contact: EmployerContact) -> Event:
    return Event(
        day_event_at(contact.contacted_on),  # type: ignore[arg-type]
        "employer_contact",
        _("Employer contact: %(employer)s") % {"employer": contact.employer},
        f"{contact.get_kind_display()} · {contact.get_outcome_display()}",
        reverse("coaching:referral_detail", args=[contact.referral.uuid]) + "#employer-contacts",
        date_only=True,
    )


def _job_events(job: JobStart) -> list[Event]:
    url = reverse("coaching:referral_detail", args=[job.referral.uuid]) + "#job-starts"
    title = job.job_title or str(job.employer)
    events = [
        Event(
            day_event_at(job.started_on),  # type: ignore[arg-type]
            "job_start",
            _("Job started: %(job)s") % {"job": title},
            _("%(hours)s hours a week") % {"hours": job.hours_per_week},
            url,
            date_only=True,
        )
    ]
    if job.ended_on:
        events.append(
            Event(
                day_event_at(job.ended_on),  # type: ignore[arg-type]
                "job_end",
                _("Job ended: %(job)s") % {"job": title},
                job.get_end_reason_display(),
                url,
                date_only=True,
            )
        )
    return events


def client_events(client, user, *, query: TimelineQuery) -> list[Event]:
    """At most three queries: referrals (team joined), employer contacts (employer and
    referral joined), jobs (employer and referral joined)."""
    events: list[Event] = []
    fields = [
        name
        for kind, name in (("coaching_referral", "referred_on"), ("coaching_ended", "ended_on"))
        if query.wants(kind)
    ]
    if fields:
        referrals = referrals_visible_to(user).filter(client=client).select_related("team")
        for referral in newest_rows(referrals, query, *fields, dates=True):
            events.extend(_referral_events(referral))
    if query.wants("employer_contact"):
        contacts = (
            employer_contacts_visible_to(user)
            .filter(referral__client=client)
            .select_related("employer", "referral")
        )
        events.extend(
            _contact_event(contact)
            for contact in newest_rows(contacts, query, "contacted_on", dates=True)
        )
    fields = [
        name
        for kind, name in (("job_start", "started_on"), ("job_end", "ended_on"))
        if query.wants(kind)
    ]
    if fields:
        jobs = (
            job_starts_visible_to(user)
            .filter(referral__client=client)
            .select_related("employer", "referral")
        )
        for job in newest_rows(jobs, query, *fields, dates=True):
            events.extend(_job_events(job))
    return events


SOURCE = EventSource(
    name="coaching",
    label=gettext_lazy("IPS job coaching"),
    kinds=KINDS,
    for_client=client_events,
    order=60,
)
