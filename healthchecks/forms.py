"""Forms of the health checks. Labels on every field; errors are shown next to the field."""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from common.widgets import DateInput
from coordination.models import Organization
from healthchecks.models import HealthCheck

YES_NO_UNKNOWN = [("", _("Not known yet")), ("yes", _("Yes")), ("no", _("No"))]
RESULTS = [
    (HealthCheck.Status.OFFERED, _("Offered, not done yet")),
    (HealthCheck.Status.DONE, _("Done")),
    (HealthCheck.Status.DECLINED, _("Declined by the client")),
]


def _yes_no(value):
    return {"yes": True, "no": False}.get(value)


class HealthCheckForm(forms.Form):
    """Parses only; the services check the dates and the combinations (and the database
    has CheckConstraints too). `with_offer=False` is the result form of an existing offer."""

    offered_on = forms.DateField(label=_("Offered on"), widget=DateInput())
    organization = forms.ModelChoiceField(
        label=_("Organisation that does the health check"),
        queryset=Organization.objects.filter(active=True).order_by("name"),
        to_field_name="uuid",
        required=False,
    )
    status = forms.ChoiceField(
        label=_("Result"),
        choices=RESULTS,
        initial=HealthCheck.Status.OFFERED,
        widget=forms.RadioSelect,
    )
    done_on = forms.DateField(label=_("Done on"), required=False, widget=DateInput())
    done_by_me = forms.BooleanField(label=_("I did the health check myself"), required=False)
    done_by_name = forms.CharField(
        label=_("Done by"),
        max_length=200,
        required=False,
        help_text=_("The name and title of the nurse or doctor, if not you."),
    )
    declined_on = forms.DateField(label=_("Declined on"), required=False, widget=DateInput())
    led_to_further_assessment = forms.TypedChoiceField(
        label=_("Did it lead to a further assessment?"),
        choices=YES_NO_UNKNOWN,
        coerce=_yes_no,
        empty_value=None,
        required=False,
    )
    further_assessment = forms.ChoiceField(
        label=_("Further assessment"),
        choices=[("", "---------"), *HealthCheck.FurtherAssessment.choices],
        required=False,
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2_000, required=False
    )

    def __init__(self, *args, with_offer=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.with_offer = with_offer
        if not with_offer:
            del self.fields["offered_on"]
            status = cast(forms.ChoiceField, self.fields["status"])  # declared above
            status.choices = RESULTS[1:]
            status.initial = HealthCheck.Status.DONE
            # The result form of an existing check carries its version (the record is
            # written by several people: common.locking).
            self.fields["lock_version"] = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def service_data(self, user) -> dict:
        data = dict(self.cleaned_data)
        done_by_me = data.pop("done_by_me", False)
        status = data["status"]
        result = {"status": status, "notes": data.get("notes", "")}
        if self.with_offer:
            result["offered_on"] = data.get("offered_on")
        else:
            result["lock_version"] = data.get("lock_version")
        result["organization"] = data.get("organization")
        if status == HealthCheck.Status.DONE:
            result.update(
                done_on=data.get("done_on"),
                done_by=user if done_by_me else None,
                done_by_name=data.get("done_by_name", ""),
                led_to_further_assessment=data.get("led_to_further_assessment"),
                further_assessment=data.get("further_assessment", ""),
            )
        elif status == HealthCheck.Status.DECLINED:
            result["declined_on"] = data.get("declined_on")
        return result
