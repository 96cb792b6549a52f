"""Forms of the networks app. Labels on every field; errors are shown next to the field.
The services check the rules; the forms only parse."""

import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.models import Consent
from common.locking import LockedForm
from common.widgets import DateInput
from coordination.models import User
from coordination.pickers import OrganizationPicker, scoped_organizations
from networks.models import ClientNetwork, NetworkMeeting, NetworkMember


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class ProfessionalChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        parts = [str(user)]
        if user.title:
            parts.append(user.title)
        return f"{' – '.join(parts)} ({user.organization})"


def professionals(query: str = ""):
    """Active professionals (job coaches too) and coordinators with an organisation,
    found by name or organisation."""
    users = User.objects.filter(
        is_active=True,
        role__in=[User.Role.PROFESSIONAL, User.Role.JOB_COACH, User.Role.COORDINATOR],
        organization__isnull=False,
    ).select_related("organization")
    for word in (query or "").split():
        users = users.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(title__icontains=word)
            | Q(organization__name__icontains=word)
        )
    return users.order_by("organization__name", "last_name", "first_name")


class ProfessionalSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find a professional by name or organisation"), required=False, max_length=100
    )


class ProfessionalMemberForm(forms.Form):
    user = ProfessionalChoiceField(label=_("Professional"), queryset=User.objects.none())
    role = forms.ChoiceField(label=_("Role in the network"), choices=NetworkMember.Role.choices)

    def __init__(self, *args, query: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = professionals(query)
        # The outside-person roles are for outside persons.
        outside = {NetworkMember.Role.CLOSE_PERSON, NetworkMember.Role.PEER}
        # No default: the role is chosen, never taken over by accident.
        self.fields["role"].choices = [
            ("", "---------"),
            *(choice for choice in NetworkMember.Role.choices if choice[0] not in outside),
        ]


class OutsideMemberForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    organization_name = forms.CharField(
        label=_("Organisation or relation to the client"),
        max_length=200,
        required=False,
        help_text=_("For example: employer, mother, peer supporter."),
    )
    role = forms.ChoiceField(
        label=_("Role in the network"),
        choices=NetworkMember.Role.choices,
        initial=NetworkMember.Role.CLOSE_PERSON,
    )
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_("Meeting invitations are sent here."),
    )


class NetworkConsentForm(forms.Form):
    """The client's consent to share their data with the network's organisations."""

    organizations = forms.ModelMultipleChoiceField(
        label=_("Organisations the consent covers"),
        queryset=scoped_organizations("network").order_by("name"),
        widget=OrganizationPicker(scope="network"),
        required=False,
    )
    method = forms.ChoiceField(
        label=_("How the consent was given"),
        choices=[("", "---------"), *Consent.Method.choices],
        required=False,
    )
    valid_until = forms.DateField(
        label=_("Consent valid until"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty if the consent is valid until withdrawn."),
    )

    def __init__(self, *args, required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.required = required
        if required:
            self.fields["organizations"].required = True
            self.fields["method"].required = True

    def clean(self):
        data = super().clean()
        if data.get("organizations") and not data.get("method"):
            self.add_error("method", _("Record how the client gave the consent."))
        if data.get("method") and not data.get("organizations"):
            self.add_error("organizations", _("Choose the organisations the consent covers."))
        return data

    def consent(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("organizations"):
            return None
        return {
            "method": data["method"],
            "organizations": [org.pk for org in data["organizations"]],
            "valid_until": data.get("valid_until"),
        }


class CloseNetworkForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason for closing"),
        choices=[("", "---------"), *ClientNetwork.ClosureReason.choices],
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )


class MeetingForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    time = forms.TimeField(label=_("Start time"), widget=TimeInput())
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), initial=60, min_value=15, max_value=480
    )
    location = forms.CharField(label=_("Place"), max_length=300, required=False)
    video_link = forms.URLField(
        label=_("Video link"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("Give the place, the video link, or both."),
    )
    agenda = forms.CharField(
        label=_("Agenda"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )

    @classmethod
    def for_meeting(cls, meeting, data=None):
        """The change form of a meeting: it carries the meeting's lock_version, so that a
        change saved from a stale form is refused (common.locking)."""
        local = timezone.localtime(meeting.starts_at)
        form = cls(
            data,
            initial={
                "date": local.date(),
                "time": local.time().replace(second=0, microsecond=0),
                "duration_minutes": meeting.duration_minutes,
                "location": meeting.location,
                "video_link": meeting.video_link,
                "agenda": meeting.agenda,
                "lock_version": meeting.lock_version,
            },
        )
        form.fields["lock_version"] = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
        return form

    def service_data(self) -> dict:
        data = self.cleaned_data
        naive = datetime.datetime.combine(data["date"], data["time"])
        # Europe/Helsinki, daylight saving time included.
        starts_at = timezone.make_aware(naive, timezone.get_default_timezone())
        result = {
            "starts_at": starts_at,
            "duration_minutes": data["duration_minutes"],
            "location": data["location"],
            "video_link": data["video_link"],
            "agenda": data["agenda"],
        }
        if "lock_version" in data:
            result["lock_version"] = data["lock_version"]
        return result

    def service_errors(self) -> dict:
        """Where the service's fields land on this form."""
        return {"starts_at": "date"}


class HeldMeetingForm(MeetingForm):
    """A meeting recorded afterwards: when it was, how long, and how it was held."""

    mode = forms.ChoiceField(
        label=_("How the meeting was held"),
        choices=NetworkMeeting.Mode.choices,
        initial=NetworkMeeting.Mode.IN_PERSON,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].help_text = _("Needed for a meeting held in person.")
        self.fields["video_link"].help_text = ""
        self.fields["agenda"].label = _("Subject of the meeting")
        if not self.is_bound:
            self.initial.setdefault("date", timezone.localdate())

    def service_data(self) -> dict:
        return {**super().service_data(), "mode": self.cleaned_data["mode"]}


class MinutesForm(LockedForm):
    attendees = forms.ModelMultipleChoiceField(
        label=_("Who took part"),
        queryset=NetworkMember.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    client_present = forms.TypedChoiceField(
        label=_("Did the client take part?"),
        choices=[("", _("Not recorded")), ("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: {"yes": True, "no": False}.get(value),
        empty_value=None,
        required=False,
    )
    minutes = forms.CharField(
        label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 8}), required=False
    )

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        members = meeting.network.members.select_related("user", "organization").order_by(
            "joined_at", "pk"
        )
        self.fields["attendees"].queryset = members
        self.fields["attendees"].label_from_instance = lambda member: (
            f"{member.display_name} – {member.get_role_display()}"
        )
        if not self.is_bound:
            self.initial.setdefault("attendees", list(meeting.attendees.all()))
            self.initial.setdefault(
                "client_present",
                {True: "yes", False: "no"}.get(meeting.client_present, ""),
            )
            self.initial.setdefault("minutes", meeting.minutes)
            self.initial.setdefault("lock_version", meeting.lock_version)


class DecisionForm(forms.Form):
    text = forms.CharField(
        label=_("Decision"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )
    responsible = forms.ModelChoiceField(
        label=_("Responsible"), queryset=NetworkMember.objects.none(), required=False
    )
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DateInput())

    def __init__(self, *args, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        if meeting is not None:
            self.fields["responsible"].queryset = meeting.network.members.filter(
                left_at__isnull=True
            ).select_related("user")
            self.fields["responsible"].label_from_instance = lambda member: member.display_name


DecisionFormSet = forms.formset_factory(DecisionForm, extra=3, max_num=10)
