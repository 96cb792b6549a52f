"""Pages of the health checks, under the client's address (`clients/<id>/health-checks/`):
parse, access, service, render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.access import access_client
from clients.audit import log_client_access
from clients.models import AccessLog
from common.formerrors import errors_onto
from common.roles import role_required
from coordination.models import User
from healthchecks import services
from healthchecks.access import access_health_check
from healthchecks.forms import HealthCheckForm
from serviceplans.models import PlanAction


def _plan_action_for(client, action_id) -> PlanAction | None:
    """The client's plan action named in `?action=`, or None. Another client's action is
    simply not found."""
    if not action_id:
        return None
    try:
        return (
            PlanAction.objects.select_related("plan")
            .filter(
                plan__client=client, service_type=PlanAction.ServiceType.UNEMPLOYED_HEALTH_CHECK
            )
            .get(uuid=action_id)
        )
    except (PlanAction.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None


@role_required(User.Role.COORDINATOR, User.Role.PROFESSIONAL)
def health_check_create(request, client_id):
    """Offer a health check for the unemployed, or record one already done or declined.
    From a plan action (`?action=<uuid>`) the record is linked to the action; if the
    action already has one, its result form opens instead."""
    client = access_client(request.user, client_id)
    plan_action = _plan_action_for(client, request.GET.get("action"))
    if plan_action is not None:
        existing = plan_action.health_checks.order_by("-created_at").first()
        if existing is not None and existing.status == existing.Status.OFFERED:
            return redirect("clients:health_check_result", client.uuid, existing.uuid)
    form = HealthCheckForm(
        request.POST or None,
        initial={
            "offered_on": timezone.localdate(),
            "organization": plan_action.responsible_organization.uuid
            if plan_action and plan_action.responsible_organization is not None
            else None,
        },
    )
    if request.method == "POST" and form.is_valid():
        with errors_onto(form) as saved:
            services.record_health_check(
                client,
                by=request.user,
                plan_action=plan_action,
                **form.service_data(request.user),
            )
        if saved.ok:
            log_client_access(request, client, action=AccessLog.Action.CREATE, kind="health_check")
            messages.success(request, _("The health check has been recorded."))
            return redirect(
                reverse("clients:client_detail", args=[client.uuid]) + "#h-health-checks"
            )
    log_client_access(request, client, action=AccessLog.Action.VIEW, kind="health_check")
    return render(
        request,
        "healthchecks/health_check_form.html",
        {"client": client, "form": form, "plan_action": plan_action, "check": None},
        status=400 if request.method == "POST" else 200,
    )


@role_required(User.Role.COORDINATOR, User.Role.PROFESSIONAL)
def health_check_result(request, client_id, check_id):
    """Record that an offered health check was done (when, by whom, what followed) or
    declined."""
    client = access_client(request.user, client_id)
    check = access_health_check(request.user, client, check_id)
    form = HealthCheckForm(
        request.POST or None,
        with_offer=False,
        initial={
            "done_on": timezone.localdate(),
            "organization": check.organization.uuid if check.organization is not None else None,
            "lock_version": check.lock_version,
        },
    )
    stale = False
    if request.method == "POST" and form.is_valid():
        with errors_onto(form) as saved:
            services.record_health_check_result(
                check, by=request.user, **form.service_data(request.user)
            )
        if saved.ok:
            log_client_access(request, client, action=AccessLog.Action.UPDATE, kind="health_check")
            messages.success(request, _("The health check has been recorded."))
            return redirect(
                reverse("clients:client_detail", args=[client.uuid]) + "#h-health-checks"
            )
        stale = saved.stale
        if stale:
            check.refresh_from_db()
    log_client_access(request, client, action=AccessLog.Action.VIEW, kind="health_check")
    return render(
        request,
        "healthchecks/health_check_form.html",
        {"client": client, "form": form, "plan_action": check.plan_action, "check": check},
        status=409 if stale else 400 if request.method == "POST" else 200,
    )
