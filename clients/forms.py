"""Forms of the clients app. Labels on every field; errors are shown next to the field."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from clients.models import (
    Client,
    Consent,
    WorkAbilityAssessment,
    birth_date_from_identity_code,
    normalize_identity_code,
    validate_identity_code,
)
from common.dates import birth_date_error
from common.locking import LockedForm
from common.municipalities import municipality_choices_with_blank
from common.widgets import DateInput
from coordination.pickers import OrganizationPicker, scoped_organizations


class IdentityCodeField(forms.CharField):
    """A personal identity code, normalised to upper case and validated (with the 2023
    century signs). Browsers are asked not to remember it."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Personal identity code"))
        kwargs.setdefault("max_length", 11)
        kwargs.setdefault("min_length", 0)
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def to_python(self, value):
        return normalize_identity_code(super().to_python(value)) or ""

    def validate(self, value):
        super().validate(value)
        validate_identity_code(value)


class ClientDetailFields(forms.Form):
    """The client's details as a person types them: shared by the request's client form
    and the hub's edit page. The form parses; `clients.services` validates the whole (as
    it does for the API), so that every entrance gives the same message."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    municipality = forms.ChoiceField(
        label=_("Municipality of residence"), choices=municipality_choices_with_blank
    )
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    language = forms.ChoiceField(
        label=_("Language of service"), choices=Client.Language.choices, initial="fi"
    )
    life_situation = forms.ChoiceField(
        label=_("Life situation"),
        choices=[("", "---------"), *Client.LifeSituation.choices],
        required=False,
    )
    target_groups = forms.MultipleChoiceField(
        label=_("Target groups"),
        choices=Client.TargetGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class ClientIdentityForm(ClientDetailFields):
    """Who the client is, for an identified consultation request, as the requester knows
    them: kept on the request; the hub matches the identity code to its records."""

    personal_identity_code = IdentityCodeField(
        required=False,
        help_text=_(
            "The hub matches the code to its records. Leave empty if the person has no "
            "Finnish personal identity code; then give the date of birth."
        ),
    )
    date_of_birth = forms.DateField(label=_("Date of birth"), required=False, widget=DateInput())

    field_order = [
        "personal_identity_code",
        "first_name",
        "last_name",
        "date_of_birth",
        "municipality",
        "phone",
        "language",
        "life_situation",
        "target_groups",
    ]

    def clean(self):
        data = super().clean()
        code = data.get("personal_identity_code")
        birth = data.get("date_of_birth")
        if code:
            data["date_of_birth"] = birth_date_from_identity_code(code)
        elif "personal_identity_code" not in self.errors and not birth:
            self.add_error(
                "date_of_birth",
                _("Give the date of birth when the person has no personal identity code."),
            )
        error = birth_date_error(data.get("date_of_birth"))
        if error and "personal_identity_code" not in self.errors:
            self.add_error("personal_identity_code" if code else "date_of_birth", error)
        return data

    def client_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["personal_identity_code"] = data.get("personal_identity_code") or None
        return data


class ClientSearchForm(forms.Form):
    q = forms.CharField(label=_("Name"), max_length=150, required=False)


class ClientCodeSearchForm(forms.Form):
    """Sent by POST, so that the code never ends up in a URL or a server's access log."""

    personal_identity_code = IdentityCodeField(required=True)

    def clean_personal_identity_code(self):
        code = self.cleaned_data["personal_identity_code"]
        if not code:
            raise ValidationError(_("Give the personal identity code."))
        return code


class ConsentForm(forms.Form):
    """A consent recorded by a coordinator on the client's page (for example for a client
    network, with the organisations it covers)."""

    scope = forms.ChoiceField(label=_("Scope"), choices=Consent.Scope.choices)
    method = forms.ChoiceField(label=_("How the consent was given"), choices=Consent.Method.choices)
    organizations = forms.ModelMultipleChoiceField(
        label=_("Organisations covered"),
        queryset=scoped_organizations("members").order_by("name"),
        to_field_name="uuid",
        required=False,
        widget=OrganizationPicker(scope="members", key="uuid"),
    )
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty if the consent is valid until withdrawn."),
    )


class ConsentWithdrawalForm(forms.Form):
    """The confirmation of a withdrawal: when the client withdrew, how, and who told."""

    withdrawn_on = forms.DateField(label=_("Date of withdrawal"), widget=DateInput())
    withdrawal_channel = forms.ChoiceField(
        label=_("How the consent was withdrawn"),
        choices=Consent.WithdrawalChannel.choices,
        widget=forms.RadioSelect,
    )
    withdrawal_reported_by = forms.ChoiceField(
        label=_("Who withdrew it"),
        choices=Consent.ReportedBy.choices,
        widget=forms.RadioSelect,
    )


# --- The work-ability assessment ------------------------------------


class AssessmentForm(forms.Form):
    """Parses only; `services.record_assessment` checks the ranges (and the database
    has CheckConstraints too)."""

    assessed_on = forms.DateField(label=_("Date of the assessment"), widget=DateInput)
    kind = forms.ChoiceField(
        label=_("Kind of assessment"),
        choices=[("", "---------"), *WorkAbilityAssessment.Kind.choices],
    )
    score = forms.IntegerField(
        label=_("Work Ability Score (0–10)"),
        help_text=_(
            "Current work ability compared with the lifetime best: "
            "0 = cannot work at all, 10 = best."
        ),
    )
    physical_functioning = forms.IntegerField(label=_("Physical functioning"), required=False)
    mental_wellbeing = forms.IntegerField(label=_("Mental wellbeing"), required=False)
    social_participation = forms.IntegerField(label=_("Social participation"), required=False)
    competence = forms.IntegerField(label=_("Competence"), required=False)
    everyday_coping = forms.IntegerField(label=_("Coping with everyday life"), required=False)
    motivation_values = forms.IntegerField(label=_("Motivation and values"), required=False)
    work_environment = forms.IntegerField(label=_("Work and work environment"), required=False)
    narrative = forms.CharField(
        label=_("Narrative"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10_000,
        required=False,
    )


# --- The hub edits the client's details -----------------------------------------------


class ClientEditForm(LockedForm, ClientDetailFields):
    """Names, contact details, language, municipality, life situation and target groups;
    the identity code is not changed here. Saved by `services.update_client`, the API's
    service, from the version the form was opened at."""

    email = forms.EmailField(label=_("E-mail"), max_length=254, required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)

    field_order = [
        "first_name",
        "last_name",
        "phone",
        "email",
        "address",
        "language",
        "municipality",
        "life_situation",
        "target_groups",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A client recorded without a municipality (through the API) stays editable.
        self.fields["municipality"].required = False

    @classmethod
    def initial_for(cls, client: Client) -> dict:
        initial = {name: getattr(client, name) for name in EDITABLE_FIELDS}
        initial["lock_version"] = client.lock_version
        return initial

    def client_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in EDITABLE_FIELDS}


EDITABLE_FIELDS = (
    "first_name",
    "last_name",
    "phone",
    "email",
    "address",
    "language",
    "municipality",
    "life_situation",
    "target_groups",
)
