"""Forms of the coaching app. Labels on every field; errors are shown next to the field.
The services check the rules; the forms only parse."""

from django import forms
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coaching.models import (
    FIDELITY_ITEMS,
    EmployerContact,
    EmployerContactPerson,
    JobStart,
    Referral,
)
from coaching.services import item_field
from common.locking import LockedForm
from common.municipalities import municipality_choices_with_blank
from common.widgets import DateInput


class UUIDModelChoiceField(forms.ModelChoiceField):
    """A choice addressed by uuid, never by the database id."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "uuid")
        super().__init__(*args, **kwargs)


class ReferralChoiceField(UUIDModelChoiceField):
    def label_from_instance(self, referral):
        return str(referral.client)


class ReferForm(forms.Form):
    team = UUIDModelChoiceField(
        label=_("Job coaching team"),
        queryset=None,
        error_messages={"invalid_choice": _("Choose one of the job coaching teams.")},
    )
    source = forms.ChoiceField(label=_("Referred from"), choices=Referral.Source.choices)
    notes = forms.CharField(
        label=_("Notes for the job coach"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5_000,
        required=False,
        help_text=_(
            "Anything that helps the coach start. No screening: whoever wants to work "
            "can be referred."
        ),
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        if teams.count() == 1 and not self.is_bound:
            self.fields["team"].initial = teams.first().uuid


class ProfileForm(LockedForm):
    preferences = forms.CharField(
        label=_("Work preferences"),
        help_text=_("Kinds of work, hours and place the client wants."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5_000,
        required=False,
    )
    strengths = forms.CharField(
        label=_("Strengths and skills"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5_000,
        required=False,
    )
    restrictions = forms.CharField(
        label=_("Restrictions and needs for support"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5_000,
        required=False,
    )
    disclosure = forms.CharField(
        label=_("What may be told to an employer"),
        help_text=_("Agreed with the client: what the coach may tell an employer, if anything."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5_000,
        required=False,
    )
    agreed_with_client_on = forms.DateField(
        label=_("Agreed with the client on"), widget=DateInput(), required=False
    )


class BenefitsForm(LockedForm):
    benefits_counselling_on = forms.DateField(
        label=_("Benefits counselling done on"), widget=DateInput()
    )
    benefits_counselling_notes = forms.CharField(
        label=_("Notes on the benefits counselling"),
        help_text=_("How work would affect the client's benefits, and what was agreed."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5_000,
        required=False,
    )


class EmployerContactForm(forms.Form):
    referral = ReferralChoiceField(
        label=_("Client"),
        queryset=None,
        error_messages={
            "invalid_choice": _("This client is not in your caseload: choose one of your clients.")
        },
    )
    employer = UUIDModelChoiceField(
        label=_("Employer"),
        queryset=None,
        error_messages={"invalid_choice": _("Choose an employer from the list.")},
    )
    contact_person = UUIDModelChoiceField(
        label=_("Contact person"),
        queryset=EmployerContactPerson.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("Choose a contact person of this employer.")},
    )
    contacted_on = forms.DateField(
        label=_("Date of the contact"), widget=DateInput(), initial=timezone.localdate
    )
    # No defaults: the type and the outcome are chosen, never taken over by accident.
    kind = forms.ChoiceField(
        label=_("Type of contact"), choices=[("", "---------"), *EmployerContact.Kind.choices]
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[("", "---------"), *EmployerContact.Outcome.choices]
    )
    hidden_job = forms.BooleanField(
        label=_("Hidden job"), help_text=_("A job that has not been advertised."), required=False
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5_000, required=False
    )

    def __init__(self, *args, referrals, employers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referral"].queryset = referrals.select_related("client").order_by(
            "client__last_name", "client__first_name", "pk"
        )
        self.fields["employer"].queryset = employers
        # The week's warning follows the chosen employer (htmx; the page works without).
        self.fields["employer"].widget.attrs.update(
            {
                "hx-get": reverse_lazy("coaching:employer_recent"),
                "hx-trigger": "change",
                "hx-target": "#recent-contact-box",
                "hx-swap": "outerHTML",
            }
        )
        self.fields["contact_person"].queryset = EmployerContactPerson.objects.filter(
            organization__in=employers
        ).select_related("organization")
        self.fields["contact_person"].label_from_instance = lambda person: (
            f"{person.name} ({person.organization})"
        )


class JobStartForm(forms.Form):
    employer = UUIDModelChoiceField(
        label=_("Employer"),
        queryset=None,
        error_messages={"invalid_choice": _("Choose an employer from the list.")},
    )
    job_title = forms.CharField(label=_("Job title"), max_length=200, required=False)
    started_on = forms.DateField(label=_("Start date"), widget=DateInput())
    hours_per_week = forms.DecimalField(
        label=_("Hours per week"),
        max_digits=4,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.5", "min": "0.5"}),
    )
    open_labour_market = forms.BooleanField(
        label=_("Open labour market"),
        help_text=_("A competitive job: ordinary pay, open to anyone, not set aside."),
        required=False,
        initial=True,
    )
    wage_subsidy = forms.BooleanField(label=_("Wage subsidy"), required=False)
    modifications = forms.CharField(
        label=_("Job modifications made"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5_000,
        required=False,
    )

    def __init__(self, *args, employers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = employers


class JobEndForm(forms.Form):
    ended_on = forms.DateField(label=_("End date"), widget=DateInput())
    end_reason = forms.ChoiceField(
        label=_("Reason the job ended"),
        choices=[("", "---------"), *JobStart.EndReason.choices],
    )


class FollowAlongNoteForm(forms.Form):
    written_on = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)
    job_start = UUIDModelChoiceField(
        label=_("Job"),
        queryset=JobStart.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("Choose one of the client's jobs.")},
    )
    text = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10_000
    )

    def __init__(self, *args, referral, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["job_start"].queryset = referral.job_starts.select_related("employer")
        self.fields["job_start"].label_from_instance = lambda job: (
            f"{job.employer} {job.started_on:%d.%m.%Y}"
        )


class EndReferralForm(forms.Form):
    ended_on = forms.DateField(label=_("End date"), widget=DateInput(), initial=timezone.localdate)
    end_reason = forms.ChoiceField(
        label=_("Reason for ending"),
        choices=[("", "---------"), *Referral.EndReason.choices],
    )


class EmployerForm(forms.Form):
    name = forms.CharField(label=_("Name of the employer"), max_length=200)
    municipality = forms.ChoiceField(
        label=_("Municipality"), choices=municipality_choices_with_blank, required=False
    )


class ContactPersonForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    title = forms.CharField(label=_("Title"), max_length=150, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)


SCORE_CHOICES = [("", "–"), *((str(n), str(n)) for n in range(1, 6))]


class FidelityReviewForm(forms.Form):
    """The 25 items, each scored 1–5. Every item must be scored."""

    team = UUIDModelChoiceField(
        label=_("Job coaching team"),
        queryset=None,
        error_messages={"invalid_choice": _("Choose one of the job coaching teams.")},
    )
    reviewed_on = forms.DateField(
        label=_("Date of the review"), widget=DateInput(), initial=timezone.localdate
    )
    notes = forms.CharField(
        label=_("Notes"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10_000,
        required=False,
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        for number, label in FIDELITY_ITEMS:
            self.fields[item_field(number)] = forms.TypedChoiceField(
                label=f"{number}. {label}",
                choices=SCORE_CHOICES,
                coerce=int,
                error_messages={
                    "required": _("Score this item (1–5)."),
                    "invalid_choice": _("A score is a whole number from 1 to 5."),
                },
            )

    def item_fields(self):
        return [self[item_field(number)] for number, _label in FIDELITY_ITEMS]

    def scores(self) -> dict[int, int]:
        return {
            number: self.cleaned_data[item_field(number)]
            for number, _label in FIDELITY_ITEMS
            if self.cleaned_data.get(item_field(number)) is not None
        }
