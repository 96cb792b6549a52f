"""Pages of the serviceplans app: parse, access, service, render. Every page that shows a
client's data writes the access log (clients.audit)."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clients.assessments import domain_trend
from clients.audit import log_client_access
from clients.models import AccessLog, WorkAbilityAssessment
from common.confirm import ReasonForm, render_confirmation
from common.formerrors import errors_onto
from common.roles import role_required
from coordination.models import User
from networks.access import access_meeting, access_network, network_basis
from networks.models import MeetingDecision
from serviceplans import services
from serviceplans.access import (
    access_action,
    access_document,
    access_plan,
    actions_visible_to,
    can_edit_plan,
)
from serviceplans.forms import (
    ActionEditForm,
    ActionForm,
    ActionStatusForm,
    AgreeForm,
    DecisionActionForm,
    GoalForm,
    PlanForm,
    ReviewForm,
)
from serviceplans.models import PlanAction, PlanDocument, PlanReview, ServicePlan

MEMBERS = (User.Role.PROFESSIONAL, User.Role.JOB_COACH, User.Role.COORDINATOR)
DUE_SOON_DAYS = 14


def _log(request, plan, action=AccessLog.Action.VIEW, kind="service_plan"):
    log_client_access(
        request, plan.client, action=action, kind=kind, basis=network_basis(request.user)
    )


def _plan_initial(plan: ServicePlan) -> dict:
    return {
        "lock_version": plan.lock_version,
        **{name: getattr(plan, name) for name in services.PLAN_FIELDS},
    }


def _in_force(versions):
    """The agreed version among the plan's versions (newest first), or None."""
    return next((v for v in versions if v.status == ServicePlan.Status.AGREED), None)


def _assessments(client):
    """The latest assessment, the change of the score since the previous one, and the
    change of each domain."""
    latest = list(client.assessments.order_by("-assessed_on", "-created_at")[:2])
    if not latest:
        return None, None, []
    previous = latest[1] if len(latest) > 1 else None
    change = latest[0].score - previous.score if previous is not None else None
    return latest[0], change, domain_trend(latest[0], previous)


def _plan_context(request, plan: ServicePlan, **forms) -> dict:
    user = request.user
    versions = list(plan.network.plans.order_by("-version"))
    goals = list(plan.goals.all())
    actions = list(
        plan.actions.select_related("responsible_user", "responsible_organization", "goal")
    )
    reviews = list(
        PlanReview.objects.filter(plan__network=plan.network_id, plan__version__lte=plan.version)
        .select_related("reviewed_by", "plan")
        .prefetch_related("progress__goal")
        .order_by("-reviewed_on", "-pk")
    )
    documents = list(plan.documents.select_related("requested_by")[:5])
    latest_assessment, change, trend = _assessments(plan.client)
    editable = can_edit_plan(user, plan)
    today = timezone.localdate()
    context = {
        "plan": plan,
        "network": plan.network,
        "client": plan.client,
        "versions": versions,
        "goals": goals,
        "actions": actions,
        "removed_actions": list(plan.removed_actions.select_related("removed_by")),
        "reviews": reviews,
        "documents": documents,
        "latest_document": documents[0] if documents else None,
        "assessment": latest_assessment,
        "assessment_change": change,
        # The client's own view beside the professionals': their latest self-assessment
        # (made with them, or alone through a one-time link).
        "self_assessment": plan.client.assessments.filter(kind=WorkAbilityAssessment.Kind.SELF)
        .order_by("-assessed_on", "-created_at")
        .first(),
        "can_edit": editable,
        "today": today,
        "previous": next((v for v in versions if v.version < plan.version), None),
        "is_current": versions[0].pk == plan.pk,
        "in_force": _in_force(versions),
        "history": list(services.plan_history(plan)[:50]),
        "domain_trend": trend,
    }
    if editable and plan.is_draft:
        context.update(
            {
                "plan_form": forms.get("plan_form")
                or PlanForm(initial=_plan_initial(plan), prefix="plan"),
                "goal_form": forms.get("goal_form") or GoalForm(prefix="goal"),
                "action_form": forms.get("action_form") or ActionForm(plan=plan, prefix="action"),
                "agree_form": forms.get("agree_form")
                or AgreeForm(initial={"lock_version": plan.lock_version}, prefix="agree"),
            }
        )
    if editable and plan.status == ServicePlan.Status.AGREED:
        context["review_form"] = forms.get("review_form") or ReviewForm(
            goals=goals,
            prefix="review",
            initial={
                "reviewed_on": today,
                "next_review_date": today + datetime.timedelta(days=90),
            },
        )
    context["stale"] = forms.get("stale", False)
    return context


def _render(request, plan, status=200, **forms):
    return render(
        request,
        "serviceplans/plan_detail.html",
        _plan_context(request, plan, **forms),
        status=status,
    )


def _editable(request, plan_id) -> ServicePlan:
    plan = access_plan(request.user, plan_id)
    if not can_edit_plan(request.user, plan):
        raise Http404
    return plan


# --- The plan page ---------------------------------------------------------------------


@role_required(*MEMBERS)
def plan_for_network(request, network_id):
    """The network's current plan; POST starts one."""
    network = access_network(request.user, network_id)
    plan = services.current_plan(network)
    if request.method == "POST" and plan is None:
        try:
            plan = services.create_plan(network, by=request.user)
        except services.InvalidTransition as refusal:
            messages.error(request, str(refusal))
            return redirect("networks:network_detail", network.uuid)
        messages.success(request, _("The service plan has been started. Write it with the client."))
    if plan is None:
        raise Http404
    return redirect("serviceplans:plan_detail", plan.uuid)


@role_required(*MEMBERS)
def plan_detail(request, plan_id):
    plan = access_plan(request.user, plan_id)
    _log(request, plan)
    return _render(request, plan)


@require_POST
@role_required(*MEMBERS)
def plan_edit(request, plan_id):
    plan = _editable(request, plan_id)
    form = PlanForm(request.POST, prefix="plan")
    if form.is_valid():
        data = dict(form.cleaned_data)
        lock_version = data.pop("lock_version")
        with errors_onto(form) as saved:
            services.update_plan(plan, by=request.user, lock_version=lock_version, **data)
        if saved.ok:
            messages.success(request, _("The plan has been saved."))
            return redirect("serviceplans:plan_detail", plan.uuid)
        if saved.stale:
            # The user's text stays in the form (now carrying the current lock_version) and
            # the saved plan is shown beside it.
            plan.refresh_from_db()
            return _render(request, plan, status=409, plan_form=form, stale=True)
    return _render(request, plan, status=400, plan_form=form)


@require_POST
@role_required(*MEMBERS)
def goal_add(request, plan_id):
    plan = _editable(request, plan_id)
    form = GoalForm(request.POST, prefix="goal")
    if form.is_valid():
        with errors_onto(form) as saved:
            services.add_goal(plan, by=request.user, **form.cleaned_data)
        if saved.ok:
            messages.success(request, _("The goal has been added."))
            return redirect(f"{plan_url(plan)}#h-goals")
    return _render(request, plan, status=400, goal_form=form)


def plan_url(plan) -> str:
    return reverse("serviceplans:plan_detail", args=[plan.uuid])


@require_POST
@role_required(*MEMBERS)
def action_add(request, plan_id):
    plan = _editable(request, plan_id)
    form = ActionForm(request.POST, plan=plan, prefix="action")
    if form.is_valid():
        with errors_onto(form) as saved:
            services.add_action(plan, by=request.user, **form.cleaned_data)
        if saved.ok:
            messages.success(request, _("The action has been added."))
            return redirect(f"{plan_url(plan)}#h-actions")
    return _render(request, plan, status=400, action_form=form)


def _action_initial(action: PlanAction) -> dict:
    return {
        "lock_version": action.lock_version,
        **{name: getattr(action, name) for name in services.ACTION_EDIT_FIELDS},
    }


@role_required(*MEMBERS)
def action_edit(request, action_id):
    """Change an action's description, service, who is responsible and the due date; a
    save from a stale form keeps the user's changes and shows the saved action."""
    action = access_action(request.user, action_id)
    plan = action.plan
    if not can_edit_plan(request.user, plan) or plan.status == ServicePlan.Status.CLOSED:
        raise Http404
    status, stale = 200, False
    if request.method == "POST":
        form = ActionEditForm(request.POST, plan=plan, prefix="edit")
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            lock_version = data.pop("lock_version")
            with errors_onto(form) as saved:
                _action, changed = services.edit_action(
                    action, by=request.user, lock_version=lock_version, **data
                )
            if saved.ok:
                if changed:
                    messages.success(request, _("The action has been saved."))
                else:
                    messages.info(request, _("Nothing was changed."))
                return redirect(f"{plan_url(plan)}#h-actions")
            if saved.stale:
                action.refresh_from_db()
                status, stale = 409, True
    else:
        form = ActionEditForm(initial=_action_initial(action), plan=plan, prefix="edit")
    _log(request, plan, kind="plan_action")
    return render(
        request,
        "serviceplans/action_edit.html",
        {
            "action": action,
            "plan": plan,
            "client": plan.client,
            "form": form,
            "stale": stale,
            **_version_context(plan),
        },
        status=status,
    )


def _version_context(plan: ServicePlan) -> dict:
    versions = list(plan.network.plans.only("uuid", "version", "status").order_by("-version"))
    return {"versions": versions, "in_force": _in_force(versions)}


@role_required(*MEMBERS)
def action_remove(request, action_id):
    """Take an action out of the draft, on a page that asks why."""
    action = access_action(request.user, action_id)
    plan = action.plan
    back = f"{plan_url(plan)}#h-actions"
    form = ReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with errors_onto(form) as saved:
            services.remove_action(action, by=request.user, reason=form.cleaned_data["reason"])
        if saved.ok:
            messages.success(request, _("The action has been removed from the draft."))
            return redirect(back)
    return render_confirmation(
        request,
        form=form,
        title=_("Remove the action"),
        question=_("Do you want to remove this action from the draft plan: %(action)s?")
        % {"action": action.description[:200]},
        consequence=_("The plan's history keeps the removed action with the reason."),
        confirm_label=_("Remove the action"),
        cancel_url=back,
    )


@require_POST
@role_required(*MEMBERS)
def action_status(request, action_id):
    action = access_action(request.user, action_id)
    form = ActionStatusForm(request.POST)
    if form.is_valid():
        try:
            services.set_action_status(action, by=request.user, status=form.cleaned_data["status"])
        except (services.InvalidTransition, ValidationError) as refusal:
            messages.error(request, "; ".join(getattr(refusal, "messages", [str(refusal)])))
        else:
            messages.success(request, _("The action's status has been updated."))
    if request.POST.get("next") == "mine":
        return redirect("serviceplans:my_actions")
    return redirect(f"{plan_url(action.plan)}#h-actions")


@require_POST
@role_required(*MEMBERS)
def plan_agree(request, plan_id):
    plan = _editable(request, plan_id)
    form = AgreeForm(request.POST, prefix="agree")
    if form.is_valid():
        with errors_onto(form) as saved:
            services.agree_plan(
                plan,
                by=request.user,
                lock_version=form.cleaned_data["lock_version"],
                method=form.cleaned_data["agreement_method"],
                note=form.cleaned_data["agreement_note"],
            )
        if saved.stale:
            plan.refresh_from_db()
            return _render(request, plan, status=409, agree_form=form)
        if saved.ok:
            messages.success(
                request,
                _("Version %(version)d of the plan has been agreed with the client.")
                % {"version": plan.version},
            )
            return redirect("serviceplans:plan_detail", plan.uuid)
    return _render(request, plan, status=400, agree_form=form)


@require_POST
@role_required(*MEMBERS)
def plan_revise(request, plan_id):
    plan = _editable(request, plan_id)
    try:
        draft = services.start_plan_revision(plan, by=request.user)
    except services.InvalidTransition as refusal:
        messages.error(request, str(refusal))
        return redirect("serviceplans:plan_detail", plan.uuid)
    messages.success(
        request, _("Version %(version)d has been started as a draft.") % {"version": draft.version}
    )
    return redirect("serviceplans:plan_detail", draft.uuid)


@require_POST
@role_required(*MEMBERS)
def review_add(request, plan_id):
    plan = _editable(request, plan_id)
    form = ReviewForm(request.POST, goals=plan.goals.all(), prefix="review")
    if form.is_valid():
        with errors_onto(form) as saved:
            services.record_review(
                plan,
                by=request.user,
                reviewed_on=form.cleaned_data["reviewed_on"],
                summary=form.cleaned_data["summary"],
                next_review_date=form.cleaned_data["next_review_date"],
                progress=form.progress(),
            )
        if saved.ok:
            messages.success(
                request,
                _(
                    "The review has been recorded. Version %(version)d of the plan stays in "
                    "force; the goals show their progress."
                )
                % {"version": plan.version},
            )
            return redirect(f"{plan_url(plan)}#h-reviews")
    return _render(request, plan, status=400, review_form=form)


@role_required(*MEMBERS)
def plan_compare(request, plan_id):
    """What changed between two versions: `?from=<uuid>` (default: the previous one)."""
    plan = access_plan(request.user, plan_id)
    others = plan.network.plans.order_by("-version")
    if request.GET.get("from"):
        old = access_plan(request.user, request.GET["from"], queryset=others)
    else:
        previous = others.filter(version__lt=plan.version).first()
        if previous is None:
            raise Http404
        old = previous
    _log(request, plan)
    return render(
        request,
        "serviceplans/plan_compare.html",
        {
            "plan": plan,
            "old": old,
            "client": plan.client,
            "diff": services.plan_diff(old, plan),
            **_version_context(plan),
        },
    )


# --- PDF -------------------------------------------------------------------------------


@require_POST
@role_required(*MEMBERS)
def pdf_request(request, plan_id):
    plan = access_plan(request.user, plan_id)
    try:
        services.request_plan_pdf(plan, by=request.user)
    except services.InvalidTransition as refusal:
        messages.error(request, str(refusal))
        return redirect(f"{plan_url(plan)}#h-pdf")
    messages.info(request, _("The PDF is being made. This page shows when it is ready."))
    return redirect(f"{plan_url(plan)}#h-pdf")


@role_required(*MEMBERS)
def pdf_status(request, plan_id):
    """The small part of the page htmx refreshes while the PDF is queued."""
    plan = access_plan(request.user, plan_id)
    document = plan.documents.first()
    return render(
        request, "serviceplans/_pdf_status.html", {"plan": plan, "latest_document": document}
    )


@role_required(*MEMBERS)
def pdf_download(request, document_id):
    document = access_document(request.user, document_id)
    if document.status != PlanDocument.Status.READY:
        raise Http404
    _log(request, document.plan, action=AccessLog.Action.EXPORT, kind="service_plan_pdf")
    name = f"palvelusuunnitelma-v{document.plan.version}.pdf"
    return FileResponse(
        document.file.open("rb"), as_attachment=True, filename=name, content_type="application/pdf"
    )


# --- A network decision becomes an action ----------------------------------------------


@require_POST
@role_required(*MEMBERS)
def decision_to_action(request, decision_id):
    try:
        decision = MeetingDecision.objects.select_related("meeting").get(uuid=decision_id)
    except (MeetingDecision.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None
    access_meeting(request.user, decision.meeting.uuid)
    form = DecisionActionForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("Choose the service before making the decision an action of the plan.")
        )
        return redirect(
            reverse("networks:meeting_detail", args=[decision.meeting.uuid])
            + f"#decision-{decision.uuid}"
        )
    target = services.decision_target(decision.meeting.network)
    try:
        action = services.action_from_decision(
            decision, by=request.user, service_type=form.cleaned_data["service_type"]
        )
    except (services.InvalidTransition, ValidationError) as refusal:
        messages.error(request, "; ".join(getattr(refusal, "messages", [str(refusal)])))
        return redirect("networks:meeting_detail", decision.meeting.uuid)
    if target == "new_plan":
        messages.success(
            request,
            _(
                "A draft service plan has been started and the decision is its first action. "
                "Write the plan with the client."
            ),
        )
    elif target == "revision":
        messages.success(
            request,
            _(
                "The decision is an action of the new draft version %(version)d. The version "
                "in force stays in force until the client agrees to the new one."
            )
            % {"version": action.plan.version},
        )
    else:
        messages.success(request, _("The decision is now an action of the service plan."))
    return redirect(f"{plan_url(action.plan)}#h-actions")


# --- Omat toimenpiteet -----------------------------------------------------------------


@role_required(*MEMBERS)
def my_actions(request):
    """The user's open actions across the plans they can see, overdue first, then due
    soon, then the rest by date (what is due is also in the inbox)."""
    today = timezone.localdate()
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    actions = list(
        actions_visible_to(request.user)
        .filter(
            responsible_user=request.user,
            status__in=PlanAction.OPEN_STATUSES,
            plan__status__in=[ServicePlan.Status.AGREED, ServicePlan.Status.DRAFT],
        )
        .select_related("plan", "plan__client", "responsible_organization", "goal")
        .annotate(
            urgency=Case(
                When(due_date__lt=today, then=Value(0)),
                When(due_date__lte=soon, then=Value(1)),
                When(due_date__isnull=True, then=Value(3)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("urgency", "due_date", "plan__status", "pk")
    )
    # The same action in the agreed version and its draft copy: show it once.
    seen, rows = set(), []
    for action in actions:
        if action.lineage not in seen:
            seen.add(action.lineage)
            rows.append(action)
    log_client_access(
        request,
        [a.plan.client for a in rows],
        action=AccessLog.Action.LIST,
        kind="plan_action",
        basis=network_basis(request.user),
    )
    return render(
        request,
        "serviceplans/my_actions.html",
        {
            "actions": rows,
            "today": today,
            "soon": soon,
            "status_choices": PlanAction.Status.choices,
        },
    )
