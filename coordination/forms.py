import uuid

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.models import Client, Consent
from common.municipalities import municipality_choices_with_blank
from common.widgets import DateInput
from coordination.models import ConsultationMessage, ConsultationRequest, User


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "The username or password is wrong. After five failed attempts, logging in "
            "as this user from this address is locked for 15 minutes."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


# --- Consultation requests -------------------------------------------------------------

CR = ConsultationRequest


class RequestKindForm(forms.Form):
    IDENTIFIED = "identified"
    ANONYMOUS = "anonymous"

    kind = forms.ChoiceField(
        label=_("Is the client identified?"),
        choices=[
            (IDENTIFIED, _("Identified: the client has consented to a consultation")),
            (ANONYMOUS, _("Anonymous: no identifying information")),
        ],
        initial=IDENTIFIED,
        widget=forms.RadioSelect(attrs={"data-toggle-sections": "kind"}),
    )

    @property
    def anonymous(self) -> bool:
        return self.cleaned_data.get("kind") == self.ANONYMOUS


class AnonymousClientForm(forms.Form):
    # No band is chosen for the requester: a pre-selected first band would be counted in
    # the metrics whenever nobody touched the list.
    age_band = forms.ChoiceField(
        label=_("Age band"),
        choices=[("", _("Not known")), *CR.AgeBand.choices],
        required=False,
    )
    municipality = forms.ChoiceField(
        label=_("Municipality of residence"), choices=municipality_choices_with_blank
    )
    life_situation = forms.ChoiceField(
        label=_("Life situation"),
        choices=[("", "---------"), *Client.LifeSituation.choices],
        required=False,
    )


class ConsultationConsentForm(forms.Form):
    consent_given = forms.BooleanField(
        label=_(
            "The client has consented to the working-age coordination hub processing "
            "their data for this consultation."
        ),
        error_messages={
            "required": _("An identified request needs the client's consent for consultation.")
        },
    )
    method = forms.ChoiceField(label=_("How the consent was given"), choices=Consent.Method.choices)
    valid_until = forms.DateField(
        label=_("Consent valid until"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty if the consent is valid until withdrawn."),
    )

    def clean_valid_until(self):
        value = self.cleaned_data.get("valid_until")
        if value and value < timezone.localdate():
            raise forms.ValidationError(_("The consent cannot expire in the past."))
        return value


class ConsultationForm(forms.Form):
    reasons = forms.MultipleChoiceField(
        label=_("Reasons for the request"),
        choices=CR.Reason.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    asked = forms.MultipleChoiceField(
        label=_("What do you ask the hub for?"),
        choices=CR.Asked.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[CR.Asked.CONSULTATION],
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=CR.Urgency.choices, initial=CR.Urgency.NORMAL
    )
    channel = forms.ChoiceField(
        label=_("How did the request reach the hub?"),
        choices=CR.Channel.choices,
        initial=CR.Channel.E_FORM,
    )
    description = forms.CharField(
        label=_("Describe the situation and your question"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("At most 10,000 characters."),
    )


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("Coordinator"),
        queryset=User.objects.filter(role=User.Role.COORDINATOR, is_active=True),
        to_field_name="uuid",
        empty_label=None,
    )


class TriageForm(forms.Form):
    urgency = forms.ChoiceField(label=_("Urgency"), choices=CR.Urgency.choices)


class AnswerForm(forms.Form):
    advice = forms.CharField(
        label=_("Advice"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 6})
    )
    recommended_services = forms.CharField(
        label=_("Recommended services"),
        max_length=5_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    next_step = forms.CharField(
        label=_("Next step"),
        max_length=2_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=CR.Outcome.choices)
    note = forms.CharField(
        label=_("Note on the outcome"),
        max_length=2_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class FeedbackForm(forms.Form):
    usefulness = forms.TypedChoiceField(
        label=_("How useful was the consultation? (1 = not at all, 5 = very useful)"),
        choices=[(value, str(value)) for value in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Feedback"),
        max_length=5_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class UUIDMultipleChoiceField(forms.MultipleChoiceField):
    """Any uuids: the access rules, not a list of choices, decide which ones are found."""

    def valid_value(self, value) -> bool:
        try:
            uuid.UUID(str(value))
        except ValueError:
            return False
        return True


class QueueBulkForm(forms.Form):
    """Several requests chosen in the queue, and what to do to them. Each chosen request
    carries how the page showed it (`seen-<uuid>`: status and assignee), so that one that
    moved meanwhile is left alone and reported."""

    action = forms.ChoiceField(
        label=_("What to do"),
        choices=[("assign", _("Assign to a coordinator")), ("close", _("Close with an outcome"))],
    )
    assignee = forms.ModelChoiceField(
        label=_("Coordinator"),
        queryset=User.objects.filter(role=User.Role.COORDINATOR, is_active=True).order_by(
            "last_name", "first_name"
        ),
        to_field_name="uuid",
        required=False,
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[("", "–"), *CR.Outcome.choices], required=False
    )
    note = forms.CharField(label=_("Note on the outcome"), max_length=2_000, required=False)
    selected = UUIDMultipleChoiceField(label=_("Chosen requests"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["selected"].error_messages["required"] = _("Choose at least one request.")

    def clean(self):
        data = super().clean() or {}
        if data.get("action") == "assign" and not data.get("assignee"):
            self.add_error("assignee", _("Choose the coordinator."))
        if data.get("action") == "close" and not data.get("outcome"):
            self.add_error("outcome", _("Choose the outcome."))
        return data

    def seen(self, chosen_uuid: str) -> tuple[str, str]:
        """(status, assignee's uuid or "") as the page showed the request."""
        status, _sep, assignee = (self.data.get(f"seen-{chosen_uuid}") or "").partition(":")
        return status, assignee


class MessageForm(forms.Form):
    """A message on a request: the hub's question or the requester's reply."""

    text = forms.CharField(
        label=_("Message"),
        max_length=ConsultationMessage.MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label is not None:
            self.fields["text"].label = label
