"""Forms of the serviceplans app. Labels on every field; errors are shown next to the
field. The services check the rules; the forms only parse."""

from django import forms
from django.utils.translation import gettext_lazy as _

from common import locking
from common.widgets import DateInput
from coordination.models import User
from coordination.pickers import OrganizationPicker, scoped_organizations
from serviceplans.models import GoalProgress, PlanAction, PlanGoal, ServicePlan

# The plan's `lock_version` when the form was opened travels with the form.
LockedForm = locking.LockedForm


class PlanForm(LockedForm):
    client_goals = forms.CharField(
        label=_("The client's goals in their own words"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10_000,
        required=False,
    )
    strengths = forms.CharField(
        label=_("Strengths and resources"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10_000,
        required=False,
    )
    assessment_summary = forms.CharField(
        label=_("Summary of the work-ability assessment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10_000,
        required=False,
    )
    next_review_date = forms.DateField(label=_("Next review"), widget=DateInput, required=False)


class AgreeForm(LockedForm):
    agreement_method = forms.ChoiceField(
        label=_("How the client agreed"),
        choices=[("", "---------"), *ServicePlan.AgreementMethod.choices],
    )
    agreement_note = forms.CharField(
        label=_("Note on the agreement"), max_length=500, required=False
    )


class GoalForm(forms.Form):
    text = forms.CharField(
        label=_("Goal"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2_000,
        help_text=_("In the client's own words where possible."),
    )
    domain = forms.ChoiceField(
        label=_("Area of life"), choices=[("", "---------"), *PlanGoal.Domain.choices]
    )
    target_date = forms.DateField(label=_("Target date"), widget=DateInput, required=False)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return f"{user} ({user.organization})" if user.organization_id else str(user)


class ActionForm(forms.Form):
    goal = forms.ModelChoiceField(label=_("Goal"), queryset=PlanGoal.objects.none(), required=False)
    description = forms.CharField(
        label=_("Action"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2_000
    )
    service_type = forms.ChoiceField(
        label=_("Service"), choices=[("", "---------"), *PlanAction.ServiceType.choices]
    )
    responsible_organization = forms.ModelChoiceField(
        label=_("Responsible organisation"),
        queryset=scoped_organizations("members").order_by("name"),
        required=False,
        widget=OrganizationPicker(scope="members", multiple=False),
    )
    responsible_user = PersonChoiceField(
        label=_("Responsible person"), queryset=User.objects.none(), required=False
    )
    responsible_name = forms.CharField(
        label=_("Or a responsible person without a login"),
        max_length=200,
        required=False,
        help_text=_("For example the client themself or an employer contact."),
    )
    due_date = forms.DateField(label=_("Due date"), widget=DateInput, required=False)

    def __init__(self, *args, plan: ServicePlan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = plan.goals.all()
        self.fields["responsible_user"].queryset = (
            User.objects.filter(
                is_active=True,
                network_memberships__network=plan.network_id,
                network_memberships__left_at__isnull=True,
            )
            .select_related("organization")
            .order_by("last_name", "first_name")
            .distinct()
        )


class ActionEditForm(LockedForm):
    """What an action is, who does it and by when; the action's `lock_version` travels
    with the form."""

    description = ActionForm.base_fields["description"]
    service_type = ActionForm.base_fields["service_type"]
    responsible_organization = ActionForm.base_fields["responsible_organization"]
    responsible_user = ActionForm.base_fields["responsible_user"]
    responsible_name = ActionForm.base_fields["responsible_name"]
    due_date = ActionForm.base_fields["due_date"]

    def __init__(self, *args, plan: ServicePlan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_user"].queryset = (
            ActionForm(plan=plan).fields["responsible_user"].queryset
        )


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=PlanAction.Status.choices)


class ReviewForm(forms.Form):
    reviewed_on = forms.DateField(label=_("Date of the review"), widget=DateInput)
    summary = forms.CharField(
        label=_("Summary"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10_000
    )
    next_review_date = forms.DateField(label=_("Next review"), widget=DateInput, required=False)

    def __init__(self, *args, goals, **kwargs):
        super().__init__(*args, **kwargs)
        self.goals = list(goals)
        for goal in self.goals:
            self.fields[f"progress_{goal.pk}"] = forms.ChoiceField(
                label=_("Progress: %(goal)s") % {"goal": goal.text[:80]},
                choices=GoalProgress.Progress.choices,
                initial=GoalProgress.Progress.PROGRESSING,
            )
            self.fields[f"note_{goal.pk}"] = forms.CharField(
                label=_("Note on the goal"), max_length=2_000, required=False
            )

    def progress(self) -> dict:
        return {
            goal: (self.cleaned_data[f"progress_{goal.pk}"], self.cleaned_data[f"note_{goal.pk}"])
            for goal in self.goals
        }


class DecisionActionForm(forms.Form):
    # No default: the service is the user's choice, every time.
    service_type = forms.ChoiceField(
        label=_("Service"), choices=[("", "---------"), *PlanAction.ServiceType.choices]
    )
