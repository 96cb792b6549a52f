"""What happens in the serviceplans app: every write is a verb–noun service function here.

Each function is one transaction; bad input raises `ValidationError` with a message per
field, a move the plan's state does not allow raises `InvalidTransition`, and a save made
from a stale form raises `StaleEdit` – nothing is saved half-way. Every change of a plan
version bumps its `lock_version` with a conditional UPDATE that must hit one row
(optimistic locking, DESIGN.md §7).
"""

import datetime
import difflib

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clients.models import AccessLog
from common import inbox, locking
from common.confirm import reason_errors
from common.dates import past_date_error, planned_date_error, short_date
from common.inbox import Kind, announce
from coordination.models import Organization, User
from coordination.services import InvalidTransition
from networks.access import network_basis
from networks.models import ClientNetwork, MeetingDecision, NetworkMember
from serviceplans import tasks
from serviceplans.access import can_edit_plan
from serviceplans.models import (
    GoalProgress,
    PlanAction,
    PlanChange,
    PlanDocument,
    PlanGoal,
    PlanReview,
    RemovedAction,
    ServicePlan,
)
from serviceplans.pdf import MAX_PDF_ACTIONS

__all__ = ["InvalidTransition", "StaleActionEdit", "StaleEdit"]

PLAN_FIELDS = ("client_goals", "strengths", "assessment_summary", "next_review_date")


class StaleEdit(locking.StaleEdit):
    """Someone else saved the plan after this form was opened."""

    default_message = gettext_lazy(
        "Someone else saved this plan while you were editing it. Your text is kept "
        "below: compare it with the saved plan, then save again."
    )


class StaleActionEdit(locking.StaleEdit):
    """Someone else saved the action after this form was opened."""

    default_message = gettext_lazy(
        "Someone else saved this action while you were editing it. Your changes are kept "
        "below: compare them with the saved action, then save again."
    )


def _log(by: User, plan: ServicePlan, action: str = AccessLog.Action.UPDATE) -> None:
    AccessLog.objects.create(
        user=by,
        client_id=plan.client_id,
        action=action,
        basis=network_basis(by),
        object_kind="service_plan",
    )


def _require_editor(by: User, plan: ServicePlan) -> None:
    if not can_edit_plan(by, plan):
        raise InvalidTransition(
            gettext_lazy("Only the network's members and the hub's coordinators can do this.")
        )


def _require_draft(plan: ServicePlan) -> None:
    if plan.status != ServicePlan.Status.DRAFT:
        raise InvalidTransition(
            gettext_lazy(
                "This version has been agreed and cannot be changed. Start a new version "
                "to change the plan."
            )
        )


def _bump(plan: ServicePlan, by: User, lock_version: int | None = None, **fields) -> None:
    """The conditional UPDATE … WHERE lock_version = n that must hit exactly one row."""
    locking.save_locked(
        plan, lock_version, stale=StaleEdit, updated_at=timezone.now(), updated_by=by, **fields
    )


def current_plan(network: ClientNetwork) -> ServicePlan | None:
    """The newest version of the network's plan (a draft if one is being written)."""
    return network.plans.order_by("-version").first()


def agreed_plan(network: ClientNetwork) -> ServicePlan | None:
    return network.plans.filter(status=ServicePlan.Status.AGREED).first()


def _plan_errors(fields: dict, today: datetime.date) -> dict:
    errors = {}
    review = fields.get("next_review_date")
    if review is not None and review < today:
        errors["next_review_date"] = [_("The next review cannot be in the past.")]
    elif planned_date_error(review):
        errors["next_review_date"] = [planned_date_error(review)]
    return errors


# --- The plan --------------------------------------------------------------------------


def create_plan(network: ClientNetwork, *, by: User, **fields) -> ServicePlan:
    """Version 1 of a network's plan, as a draft. The assessment summary starts from the
    client's latest work-ability assessment."""
    if not network.is_open:
        raise InvalidTransition(gettext_lazy("The network is closed."))
    errors = _plan_errors(fields, timezone.localdate())
    if errors:
        raise ValidationError(errors)
    plan = ServicePlan(network=network, client=network.client, created_by=by, updated_by=by)
    _require_editor(by, plan)
    for name in PLAN_FIELDS:
        if name in fields:
            setattr(plan, name, fields[name])
    if not plan.assessment_summary:
        plan.assessment_summary = assessment_summary_text(network.client)
    try:
        with transaction.atomic():
            plan.save()
            _log(by, plan, AccessLog.Action.CREATE)
    except IntegrityError:
        raise InvalidTransition(gettext_lazy("The network already has a service plan.")) from None
    return plan


def assessment_summary_text(client) -> str:
    latest = list(client.assessments.order_by("-assessed_on", "-created_at")[:1])
    if not latest:
        return ""
    assessment = latest[0]
    return _("Work Ability Score %(score)d/10 (%(band)s) on %(date)s, %(kind)s.") % {
        "score": assessment.score,
        "band": assessment.get_band_display(),
        "date": short_date(assessment.assessed_on),
        "kind": assessment.get_kind_display().lower(),
    }


def update_plan(plan: ServicePlan, *, by: User, lock_version: int, **fields) -> ServicePlan:
    """Save the plan's text from a form opened at `lock_version`; refused with
    `StaleEdit` if anyone saved the plan since."""
    _require_editor(by, plan)
    _require_draft(plan)
    errors = _plan_errors(fields, timezone.localdate())
    if errors:
        raise ValidationError(errors)
    changes = {name: fields[name] for name in PLAN_FIELDS if name in fields}
    with transaction.atomic():
        _bump(plan, by, lock_version, status=ServicePlan.Status.DRAFT, **changes)
        _log(by, plan)
    return plan


def agree_plan(
    plan: ServicePlan, *, by: User, lock_version: int, method: str, note: str = ""
) -> ServicePlan:
    """The client has agreed: the draft becomes the agreed version and is frozen; the
    previously agreed version is closed (superseded)."""
    _require_editor(by, plan)
    _require_draft(plan)
    errors = {}
    if method not in ServicePlan.AgreementMethod.values:
        errors["agreement_method"] = [_("Choose how the client agreed to the plan.")]
    if not plan.goals.exists():
        errors["__all__"] = [_("Write at least one goal with the client before agreeing.")]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        previous = (
            ServicePlan.objects.select_for_update()
            .filter(network=plan.network_id, status=ServicePlan.Status.AGREED)
            .first()
        )
        if previous is not None:
            previous.status = ServicePlan.Status.CLOSED
            previous.closed_at = now
            previous.save(update_fields=["status", "closed_at"])
        _bump(
            plan,
            by,
            lock_version,
            status=ServicePlan.Status.AGREED,
            agreed_at=now,
            agreed_by=by,
            agreement_method=method,
            agreement_note=note[:500],
        )
        plan.status = ServicePlan.Status.AGREED
        _log(by, plan)
    return plan


def start_plan_revision(plan: ServicePlan, *, by: User) -> ServicePlan:
    """The next version as a draft, a copy of the agreed one with its goals and actions
    (same lineage, so the diff can pair them). If a draft exists already, that one."""
    _require_editor(by, plan)
    if plan.status == ServicePlan.Status.DRAFT:
        return plan
    existing = plan.network.plans.filter(status=ServicePlan.Status.DRAFT).first()
    if existing is not None:
        return existing
    if plan.status != ServicePlan.Status.AGREED:
        raise InvalidTransition(gettext_lazy("Only the agreed version can be revised."))
    latest = plan.network.plans.order_by("-version").values_list("version", flat=True)[0]
    draft = ServicePlan(
        network_id=plan.network_id,
        client_id=plan.client_id,
        version=latest + 1,
        created_by=by,
        updated_by=by,
        **{name: getattr(plan, name) for name in PLAN_FIELDS},
    )
    try:
        with transaction.atomic():
            draft.save()
            goals = {}
            for goal in plan.goals.all():
                old_pk = goal.pk
                goal.pk = goal.id = None
                goal._state.adding = True
                goal.plan = draft
                goal.uuid = PlanGoal._meta.get_field("uuid").default()
                goal.save()
                goals[old_pk] = goal
            actions = []
            for action in plan.actions.all():
                action.pk = action.id = None
                action._state.adding = True
                action.uuid = PlanAction._meta.get_field("uuid").default()
                action.plan = draft
                action.goal = goals.get(action.goal_id)
                actions.append(action)
            PlanAction.objects.bulk_create(actions)
            _log(by, draft, AccessLog.Action.CREATE)
    except IntegrityError:
        # Someone else started the revision at the same moment: theirs is the draft.
        return plan.network.plans.get(status=ServicePlan.Status.DRAFT)
    return draft


def editable_plan(network: ClientNetwork, *, by: User) -> ServicePlan:
    """The draft to write into: the current draft, a new revision of the agreed plan, or
    a new plan."""
    plan = current_plan(network)
    if plan is None:
        return create_plan(network, by=by)
    if plan.status == ServicePlan.Status.DRAFT:
        return plan
    return start_plan_revision(agreed_plan(network) or plan, by=by)


# --- Goals and actions -----------------------------------------------------------------


def add_goal(
    plan: ServicePlan,
    *,
    by: User,
    text: str,
    domain: str,
    target_date: datetime.date | None = None,
) -> PlanGoal:
    _require_editor(by, plan)
    _require_draft(plan)
    errors = {}
    if not (text or "").strip():
        errors["text"] = [_("Write the goal, in the client's words where possible.")]
    if domain not in PlanGoal.Domain.values:
        errors["domain"] = [_("Choose the area of life.")]
    if target_date is not None and target_date < timezone.localdate(plan.created_at):
        errors["target_date"] = [_("The target date cannot be before the plan was made.")]
    elif planned_date_error(target_date):
        errors["target_date"] = [planned_date_error(target_date)]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        goal = PlanGoal.objects.create(
            plan=plan,
            text=text.strip(),
            domain=domain,
            target_date=target_date,
            position=plan.goals.count(),
        )
        _bump(plan, by)
    return goal


def _action_errors(plan: ServicePlan, data: dict) -> dict:
    errors = {}
    if not (data.get("description") or "").strip():
        errors["description"] = [_("Describe the action.")]
    if data.get("service_type") not in PlanAction.ServiceType.values:
        errors["service_type"] = [_("Choose the service.")]
    user = data.get("responsible_user")
    if not (data.get("responsible_organization") or user or data.get("responsible_name")):
        errors["responsible_organization"] = [
            _("Name who is responsible: an organisation, a person or both.")
        ]
    if (
        user is not None
        and not user.is_coordinator
        and not NetworkMember.objects.filter(
            network=plan.network_id, user=user, left_at__isnull=True
        ).exists()
    ):
        errors["responsible_user"] = [
            _("The responsible person must be a member of the network. Add them first.")
        ]
    due = data.get("due_date")
    if due is not None and due < timezone.localdate(plan.created_at):
        errors["due_date"] = [_("The due date cannot be before the plan was made.")]
    elif planned_date_error(due):
        errors["due_date"] = [planned_date_error(due)]
    goal = data.get("goal")
    if goal is not None and goal.plan_id != plan.pk:
        errors["goal"] = [_("Choose a goal of this plan.")]
    return errors


def add_action(plan: ServicePlan, *, by: User, decision=None, **data) -> PlanAction:
    """An action with its responsible party. The organisation defaults to the
    responsible person's own."""
    _require_editor(by, plan)
    _require_draft(plan)
    errors = _action_errors(plan, data)
    if errors:
        raise ValidationError(errors)
    user = data.get("responsible_user")
    organization = data.get("responsible_organization")
    if organization is None and user is not None:
        organization = user.organization
    with transaction.atomic():
        action = PlanAction.objects.create(
            plan=plan,
            goal=data.get("goal"),
            description=data["description"].strip(),
            service_type=data["service_type"],
            responsible_organization=organization,
            responsible_user=user,
            responsible_name=(data.get("responsible_name") or "").strip(),
            due_date=data.get("due_date"),
            decision=decision,
            position=plan.actions.count(),
        )
        _bump(plan, by)
        if user is not None and user.pk != by.pk:
            # One item per action across plan versions (the lineage), not per copy.
            announce(
                user,
                Kind.ACTION_ASSIGNED,
                action,
                due_date=action.due_date,
                key=f"action:{action.lineage}",
            )
    return action


def remove_action(action: PlanAction, *, by: User, reason: str) -> RemovedAction:
    """Take an action out of the draft, saying why: the plan's history keeps what it
    was, who removed it and the reason."""
    plan = action.plan
    _require_editor(by, plan)
    _require_draft(plan)
    errors = reason_errors(reason)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        removed = RemovedAction.objects.create(
            plan=plan,
            lineage=action.lineage,
            description=action.description,
            service_type=action.service_type,
            reason=reason.strip(),
            removed_by=by,
        )
        action.delete()
        _bump(plan, by)
    return removed


ACTION_EDIT_FIELDS = (
    "description",
    "service_type",
    "responsible_organization",
    "responsible_user",
    "responsible_name",
    "due_date",
)


def _shown(action: PlanAction, name: str) -> str:
    """A field's value as a person reads it, for the history."""
    if name == "service_type":
        return str(action.get_service_type_display())
    if name == "due_date":
        return short_date(action.due_date)
    value = getattr(action, name)
    return "" if value is None else str(value)


def edit_action(
    action: PlanAction, *, by: User, lock_version: int, **data
) -> tuple[PlanAction, list[dict]]:
    """Change what an action is, who does it and by when, from a form opened at the
    action's `lock_version`. Allowed on the draft and on the version in force (moving a
    due date or handing an action over is follow-up, like its status); each change is on
    the plan's history with every field before → after. The draft copy of an action of
    the version in force follows where it still had the old value. Returns the action
    and the changed fields (none: nothing was saved)."""
    plan = action.plan
    _require_editor(by, plan)
    if plan.status == ServicePlan.Status.CLOSED:
        raise InvalidTransition(gettext_lazy("This version is closed."))
    values = {name: data.get(name, getattr(action, name)) for name in ACTION_EDIT_FIELDS}
    _organisation_follows_person(action, values, data)
    values["responsible_name"] = (values["responsible_name"] or "").strip()
    values["description"] = (values["description"] or "").strip()
    errors = _action_errors(plan, {**values, "goal": None})
    if errors:
        raise ValidationError(errors)
    before = PlanAction(**{name: getattr(action, name) for name in ACTION_EDIT_FIELDS})
    after = PlanAction(**values)
    changed = [
        {
            "field": name,
            "label": str(PlanAction._meta.get_field(name).verbose_name),
            "before": _shown(before, name),
            "after": _shown(after, name),
        }
        for name in ACTION_EDIT_FIELDS
        if getattr(before, name) != getattr(after, name)
    ]
    if not changed:
        if lock_version != action.lock_version:
            raise StaleActionEdit(current_version=action.lock_version)
        return action, []
    with transaction.atomic():
        locking.save_locked(action, lock_version, stale=StaleActionEdit, **values)
        if plan.status == ServicePlan.Status.AGREED:
            _follow_in_draft(action, before, values)
        new_person = values["responsible_user"]
        if new_person is not None and new_person != before.responsible_user and new_person != by:
            # Handing the action over is an assignment: the new person's inbox.
            inbox.announce(new_person, inbox.Kind.ACTION_ASSIGNED, action, due_date=action.due_date)
        PlanChange.objects.create(
            plan=plan,
            kind=PlanChange.Kind.ACTION_EDITED,
            subject=action.lineage,
            changed_by=by,
            fields=changed,
        )
        _bump(plan, by)
        _log(by, plan)
    return action, changed


def _organisation_follows_person(action: PlanAction, values: dict, data: dict) -> None:
    """Handing an action to another person: where the organisation was the previous
    person's own and was not changed in the same edit, it becomes the new person's."""
    user = values["responsible_user"]
    if (
        user is not None
        and user.pk != action.responsible_user_id
        and values["responsible_organization"] == action.responsible_organization
        and action.responsible_user_id is not None
        and action.responsible_organization_id == action.responsible_user.organization_id
        and data.get("responsible_organization", action.responsible_organization)
        == action.responsible_organization
    ):
        values["responsible_organization"] = user.organization


def _follow_in_draft(action: PlanAction, before: PlanAction, values: dict) -> None:
    """The same action in the draft being written takes each new value where it still
    had the old one (a change made in the draft itself is kept)."""
    copy = PlanAction.objects.filter(
        lineage=action.lineage,
        plan__network=action.plan.network_id,
        plan__status=ServicePlan.Status.DRAFT,
    ).first()
    if copy is None:
        return
    follow = {
        name: value
        for name, value in values.items()
        if getattr(copy, name) == getattr(before, name) and getattr(copy, name) != value
    }
    if follow:
        locking.save_locked(copy, None, stale=StaleActionEdit, **follow)


def plan_history(plan: ServicePlan):
    """The recorded changes of every version of the plan up to this one, newest first."""
    return (
        PlanChange.objects.filter(plan__network=plan.network_id, plan__version__lte=plan.version)
        .select_related("changed_by", "plan")
        .order_by("-changed_at", "-pk")
    )


def set_action_status(action: PlanAction, *, by: User, status: str) -> PlanAction:
    """Follow-up, not a change of the plan: allowed on the agreed version too, and kept
    in step on the draft copy of the same action."""
    plan = action.plan
    _require_editor(by, plan)
    if plan.status == ServicePlan.Status.CLOSED:
        raise InvalidTransition(gettext_lazy("This version is closed."))
    if status not in PlanAction.Status.values:
        raise ValidationError({"status": [_("Choose a status.")]})
    if action.status == status:
        return action
    done_at = timezone.now() if status == PlanAction.Status.DONE else None
    with transaction.atomic():
        PlanAction.objects.filter(
            lineage=action.lineage,
            plan__network=plan.network_id,
            plan__status__in=[ServicePlan.Status.DRAFT, ServicePlan.Status.AGREED],
        ).update(status=status, done_at=done_at)
        _bump(plan, by)
    action.status, action.done_at = status, done_at
    return action


def decision_target(network: ClientNetwork) -> str:
    """Where a decision made into an action goes, for the form to say it before the
    user confirms: "draft" (the draft being written), "revision" (a new version of the
    agreed plan is started as a draft) or "new_plan" (a draft plan is started)."""
    plan = current_plan(network)
    if plan is None:
        return "new_plan"
    return "draft" if plan.status == ServicePlan.Status.DRAFT else "revision"


def action_from_decision(decision: MeetingDecision, *, by: User, service_type: str) -> PlanAction:
    """A network decision becomes an action of the plan: into the draft (a new version
    is started if the plan is agreed, a draft plan if there is none – the form says so
    before the user confirms) with the decision's text, responsible member and due date.
    The service is the user's choice: there is no default."""
    network = decision.meeting.network
    if service_type not in PlanAction.ServiceType.values:
        raise ValidationError({"service_type": [_("Choose the service.")]})
    if PlanAction.objects.filter(
        decision=decision, plan__network=network, plan__status=ServicePlan.Status.DRAFT
    ).exists():
        raise InvalidTransition(gettext_lazy("This decision is already an action of the plan."))
    member = decision.responsible
    with transaction.atomic():
        plan = editable_plan(network, by=by)
        data = {
            "description": decision.text,
            "service_type": service_type,
            "due_date": decision.due_date
            if decision.due_date and decision.due_date >= timezone.localdate(plan.created_at)
            else None,
            "responsible_user": member.user if member and member.user_id else None,
            "responsible_organization": member.organization if member else None,
            "responsible_name": member.name if member and not member.user_id else "",
        }
        if not (data["responsible_user"] or data["responsible_name"]):
            data["responsible_user"] = by if not by.is_coordinator else None
            data["responsible_organization"] = by.organization
        return add_action(plan, by=by, decision=decision, **data)


# --- Reviews ---------------------------------------------------------------------------


def record_review(
    plan: ServicePlan,
    *,
    by: User,
    summary: str,
    next_review_date: datetime.date | None,
    progress: dict,
    reviewed_on: datetime.date | None = None,
) -> PlanReview:
    """A follow-up and review of the version in force: goal-by-goal progress, a summary
    and the next review date. The version stays in force: each reviewed goal takes the
    status its progress means, and the plan the next review date (the review-due
    reminder follows it). Revising the plan is a separate step (`start_plan_revision`).
    `progress` maps a goal of `plan` to `(progress, note)`."""
    _require_editor(by, plan)
    if plan.status == ServicePlan.Status.DRAFT:
        raise InvalidTransition(
            gettext_lazy(
                "A draft is not reviewed: the review is recorded against the version in "
                "force. Open the version in force to record the review."
            )
        )
    if plan.status != ServicePlan.Status.AGREED:
        raise InvalidTransition(gettext_lazy("Only the version in force is reviewed."))
    errors = _review_errors(plan, summary, next_review_date, reviewed_on, progress)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        review = PlanReview.objects.create(
            plan=plan,
            reviewed_on=reviewed_on or timezone.localdate(),
            reviewed_by=by,
            summary=summary.strip(),
            next_review_date=next_review_date,
        )
        GoalProgress.objects.bulk_create(
            GoalProgress(review=review, goal=goal, progress=value, note=(note or "").strip())
            for goal, (value, note) in progress.items()
        )
        _goal_statuses_from(plan, progress)
        _bump(plan, by, next_review_date=next_review_date)
        # A draft being written keeps the same review date, so that agreeing it does not
        # bring back the old one.
        ServicePlan.objects.filter(network=plan.network_id, status=ServicePlan.Status.DRAFT).update(
            next_review_date=next_review_date
        )
        _log(by, plan, AccessLog.Action.CREATE)
    return review


def _review_errors(plan, summary, next_review_date, reviewed_on, progress) -> dict:
    today = timezone.localdate()
    reviewed_on = reviewed_on or today
    errors: dict[str, list] = {}
    if not (summary or "").strip():
        errors["summary"] = [_("Write a summary of the review.")]
    if next_review_date is not None and next_review_date < today:
        errors["next_review_date"] = [_("The next review cannot be in the past.")]
    elif planned_date_error(next_review_date):
        errors["next_review_date"] = [planned_date_error(next_review_date)]
    if reviewed_on > today:
        errors["reviewed_on"] = [_("The review cannot be in the future.")]
    elif past_date_error(reviewed_on):
        errors["reviewed_on"] = [past_date_error(reviewed_on)]
    for goal, (value, _note) in progress.items():
        if goal.plan_id != plan.pk or value not in GoalProgress.Progress.values:
            errors.setdefault("__all__", []).append(_("Give the progress of each goal."))
            break
    return errors


def _goal_statuses_from(plan: ServicePlan, progress: dict) -> None:
    """Each reviewed goal takes the status its progress means, in the version in force
    and in the draft copy of the same goal (by lineage)."""
    by_status: dict[str, list] = {}
    for goal, (value, _note) in progress.items():
        by_status.setdefault(GoalProgress.GOAL_STATUS[value], []).append(goal.lineage)
    for status, lineages in by_status.items():
        PlanGoal.objects.filter(
            plan__network=plan.network_id,
            plan__status__in=[ServicePlan.Status.DRAFT, ServicePlan.Status.AGREED],
            lineage__in=lineages,
        ).update(status=status)


# --- PDF -------------------------------------------------------------------------------


def request_plan_pdf(plan: ServicePlan, *, by: User) -> PlanDocument:
    """A row first (queued); the task claims it after the commit. When the broker is
    down the row stays queued and the periodic `retry_queued_documents` sends it when
    the broker is back. A plan larger than the renderer can print in its time limit is
    refused here, before anything is queued."""

    actions = plan.actions.count()
    if actions > MAX_PDF_ACTIONS:
        raise InvalidTransition(
            _(
                "A PDF can be made of a plan with at most %(limit)s actions; this plan has "
                "%(count)s. Start a new version and remove the actions that are done."
            )
            % {"limit": MAX_PDF_ACTIONS, "count": actions}
        )
    document = PlanDocument.objects.filter(
        plan=plan,
        lock_version=plan.lock_version,
        status__in=[PlanDocument.Status.QUEUED, PlanDocument.Status.RUNNING],
    ).first()
    if document is not None:
        return document
    with transaction.atomic():
        document = PlanDocument.objects.create(
            plan=plan,
            lock_version=plan.lock_version,
            language=plan.client.language if plan.client.language in ("fi", "sv", "en") else "fi",
            requested_by=by,
        )
        _log(by, plan, AccessLog.Action.EXPORT)
        transaction.on_commit(lambda: tasks.enqueue_document(document.pk))
    return document


# --- Versions: what changed ------------------------------------------------------------


def _lines(text) -> list[str]:
    return str(text or "").splitlines() or [""]


def _text_diff(old, new) -> list[tuple[str, str]]:
    """Lines as (sign, text): '-' removed, '+' added, ' ' kept."""
    return [
        (line[0], line[2:])
        for line in difflib.ndiff(_lines(old), _lines(new))
        if not line.startswith("?")
    ]


def _goal_text(goal: PlanGoal) -> str:
    target = short_date(goal.target_date) or "–"
    return f"{goal.text} [{goal.get_domain_display()}; {target}; {goal.get_status_display()}]"


def _action_text(action: PlanAction) -> str:
    due = short_date(action.due_date) or "–"
    return (
        f"{action.description} [{action.get_service_type_display()}; "
        f"{action.responsible_display or '–'}; {due}; {action.get_status_display()}]"
    )


def _pair(old_items, new_items, text) -> list[dict]:
    old = {item.lineage: item for item in old_items}
    new = {item.lineage: item for item in new_items}
    rows = []
    for lineage, item in new.items():
        if lineage not in old:
            rows.append({"change": "added", "lines": [("+", text(item))]})
        elif text(old[lineage]) != text(item):
            rows.append({"change": "changed", "lines": _text_diff(text(old[lineage]), text(item))})
    for lineage, item in old.items():
        if lineage not in new:
            rows.append({"change": "removed", "lines": [("-", text(item))]})
    return rows


def plan_diff(old: ServicePlan, new: ServicePlan) -> dict:
    """What changed from `old` to `new`: the text fields line by line, and the goals and
    actions paired across versions by their lineage."""
    fields = []
    for name in PLAN_FIELDS:
        before, after = getattr(old, name), getattr(new, name)
        if name == "next_review_date":
            before = short_date(before)
            after = short_date(after)
        if before != after:
            fields.append(
                {
                    "label": ServicePlan._meta.get_field(name).verbose_name,
                    "lines": _text_diff(before, after),
                }
            )
    related = ("responsible_user", "responsible_organization")
    return {
        "fields": fields,
        "goals": _pair(old.goals.all(), new.goals.all(), _goal_text),
        "actions": _pair(
            old.actions.select_related(*related), new.actions.select_related(*related), _action_text
        ),
    }


def organizations_for_actions():
    return Organization.objects.filter(active=True).order_by("name")
