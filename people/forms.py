from typing import cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from coordination.models import Organization, User
from people import access

ROLE_ABOVE_OWN = _("You cannot give a role above your own.")


class PersonFilterForm(forms.Form):
    class Status:
        ACTIVE = "active"
        INVITED = "invited"
        DEACTIVATED = "deactivated"

    STATUS_CHOICES = [
        ("", _("All")),
        (Status.ACTIVE, _("Active")),
        (Status.INVITED, _("Invited")),
        (Status.DEACTIVATED, _("Deactivated")),
    ]

    q = forms.CharField(label=_("Name or e-mail"), required=False, max_length=100)
    organization = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("All"),
    )
    role = forms.ChoiceField(label=_("Role"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        organizations = access.organizations_managed_by(user)
        cast(forms.ModelChoiceField, self.fields["organization"]).queryset = organizations
        if organizations.count() == 1:
            del self.fields["organization"]
        cast(forms.ChoiceField, self.fields["role"]).choices = [("", _("All")), *User.Role.choices]


def _role_field(user) -> forms.ChoiceField:
    allowed = set(access.grantable_roles(user))
    return forms.ChoiceField(
        label=_("Role"),
        choices=[(value, label) for value, label in User.Role.choices if value in allowed],
        error_messages={"invalid_choice": ROLE_ABOVE_OWN},
    )


class _PersonFields(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organization.objects.none()
    )
    is_org_admin = forms.BooleanField(
        label=_("Administrator of their organisation"),
        required=False,
        help_text=_("May invite and manage the people of their own organisation."),
    )
    title = forms.CharField(label=_("Title"), max_length=150, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"] = _role_field(user)
        organizations = access.organizations_managed_by(user).filter(active=True)
        cast(forms.ModelChoiceField, self.fields["organization"]).queryset = organizations
        self.order_fields(["email", "first_name", "last_name", "organization", "role"])


class InviteForm(_PersonFields):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)


class PersonForm(_PersonFields):
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)


class ColleagueField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj} – {obj.get_role_display()}, {obj.organization or '–'}"


class HandoverForm(forms.Form):
    receiver = ColleagueField(
        label=_("Colleague who takes the work over"),
        queryset=User.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("Choose an active colleague from the list.")},
    )
    confirm = forms.BooleanField(
        label=_("I understand that the person can no longer log in."), required=True
    )

    def __init__(self, *args, user, leaver, **kwargs):
        super().__init__(*args, **kwargs)
        receiver = cast(forms.ModelChoiceField, self.fields["receiver"])
        receiver.queryset = (
            access.people_managed_by(user)
            .filter(is_active=True)
            .exclude(pk=leaver.pk)
            .select_related("organization")
            .order_by("last_name", "first_name")
        )


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["name", "kind", "parent", "municipality", "is_hub", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Organization.objects.order_by("name")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        cast(forms.ModelChoiceField, self.fields["parent"]).queryset = parents


class OrganizationFilterForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    active = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), ("yes", _("Active")), ("no", _("Inactive"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = [("", _("All")), *Organization.Kind.choices]
        cast(forms.ChoiceField, self.fields["kind"]).choices = kinds
