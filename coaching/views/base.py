"""What every coaching page shares: who reaches them, and the access log of a read."""

import datetime

from clients.audit import log_client_access
from clients.models import AccessLog
from coaching import services
from coaching.access import referral_basis
from coordination.models import User

# Who reaches the referral pages at all; the access rules decide the rest (404).
REFERRAL_ROLES = (User.Role.PROFESSIONAL, User.Role.JOB_COACH, User.Role.COORDINATOR)
EMPLOYER_ROLES = (User.Role.JOB_COACH, User.Role.COORDINATOR)
FIDELITY_ROLES = (User.Role.JOB_COACH, User.Role.COORDINATOR, User.Role.MANAGER)
# "So the team does not call the same employer twice in a week."
RECENT_CONTACT_DAYS = 7


def log_referral(request, referral, action=AccessLog.Action.VIEW, kind="coaching_referral"):
    log_client_access(
        request,
        referral.client,
        action=action,
        kind=kind,
        basis=referral_basis(request.user, referral),
    )


def days_since(value: datetime.date | None, today: datetime.date) -> int | None:
    return None if value is None else (today - value).days


def recent_contacts(employer):
    """The team's contacts with the employer in the last RECENT_CONTACT_DAYS, newest first
    (so that nobody calls the same employer twice in a week)."""
    if employer is None:
        return []
    return list(
        services.recent_contacts_with(employer, days=RECENT_CONTACT_DAYS)
        .select_related("coach")
        .order_by("-contacted_on", "-pk")
    )
