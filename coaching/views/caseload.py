"""The caseload (valmennettavat): a job coach's clients, and taking a waiting referral."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clients.audit import log_client_access
from clients.models import AccessLog
from coaching import services
from coaching.access import (
    access_referral,
    can_take_referral,
    last_contact_on,
    list_basis,
    referrals_visible_to,
)
from coaching.models import CASELOAD_LIMIT, Referral
from coaching.views.base import days_since
from common.roles import role_required
from coordination.models import User


@role_required(User.Role.JOB_COACH, User.Role.COORDINATOR)
def caseload(request):
    """A job coach's clients (active and in follow-along) with the days since the
    referral and since the last employer contact, the waiting referrals of their team to
    take, and a warning over the IPS caseload limit (20). A coordinator sees every
    coach's caseload and every waiting referral."""
    user = request.user
    today = timezone.localdate()
    visible = referrals_visible_to(user)
    served = visible.filter(status__in=Referral.CASELOAD_STATUSES)
    waiting = visible.filter(status=Referral.Status.WAITING)
    if user.is_job_coach:
        served = served.filter(coach=user)
        waiting = (
            waiting.filter(team=user.organization_id) if user.organization_id else waiting.none()
        )
    rows = list(
        served.select_related("client", "coach")
        .annotate(last_contact_on=last_contact_on())
        .order_by("coach__last_name", "coach__first_name", "referred_on", "pk")
    )
    waiting_rows = list(
        waiting.select_related("client", "team", "referred_by").order_by("referred_on", "pk")
    )
    for referral in rows:
        referral.days_since_referral = days_since(referral.referred_on, today)
        referral.days_since_contact = days_since(referral.last_contact_on, today)
    for referral in waiting_rows:
        referral.days_since_referral = days_since(referral.referred_on, today)
        referral.can_take = can_take_referral(user, referral)
    # Caseload sizes per coach: the warning when anyone has more than 20 clients.
    loads: dict[int, dict] = {}
    for referral in rows:
        load = loads.setdefault(referral.coach_id, {"coach": referral.coach, "count": 0})
        load["count"] += 1
    over_limit = [load for load in loads.values() if load["count"] > CASELOAD_LIMIT]
    log_client_access(
        request,
        [r.client for r in rows] + [r.client for r in waiting_rows],
        action=AccessLog.Action.LIST,
        kind="coaching_referral",
        basis=list_basis(user),
    )
    return render(
        request,
        "coaching/caseload.html",
        {
            "rows": rows,
            "waiting": waiting_rows,
            "caseload_count": len(rows) if user.is_job_coach else None,
            "over_limit": over_limit,
            "caseload_limit": CASELOAD_LIMIT,
            "loads": sorted(loads.values(), key=lambda load: str(load["coach"])),
        },
    )


@require_POST
@role_required(User.Role.JOB_COACH)
def take(request, referral_id):
    referral = access_referral(request.user, referral_id)
    try:
        services.take_referral(referral, by=request.user)
    except services.InvalidTransition as refusal:
        messages.error(request, str(refusal))
        return redirect("coaching:caseload")
    messages.success(
        request, _("%(client)s is now in your caseload.") % {"client": referral.client}
    )
    return redirect("coaching:referral_detail", referral.uuid)
