"""The administrators' page for integration credentials: list, create (the key is shown
once) and revoke. Everybody else gets 404."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from common.formerrors import errors_onto
from common.roles import role_required
from coordination import integrations
from coordination.models import IntegrationCredential, Organization, User


class CredentialForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("Which program uses it, and who answers for it."),
    )
    scope = forms.ChoiceField(
        label=gettext_lazy("Scope"), choices=IntegrationCredential.Scope.choices
    )
    organization = forms.ModelChoiceField(
        label=gettext_lazy("Organisation"),
        queryset=Organization.objects.filter(active=True),
        required=False,
    )
    days = forms.IntegerField(
        label=gettext_lazy("Valid for (days)"),
        initial=90,
        min_value=1,
        max_value=IntegrationCredential.MAX_DAYS,
    )


def _page(request, form, key=None, created=None, status=200):
    credentials = IntegrationCredential.objects.select_related("organization", "created_by")
    context = {"form": form, "credentials": credentials, "key": key, "created": created}
    return render(request, "coordination/integration_credentials.html", context, status=status)


@never_cache
@role_required(User.Role.ADMINISTRATOR)
def credential_list(request):
    form = CredentialForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_onto(form) as saved:
            credential, key = integrations.create_integration_credential(
                by=request.user, request=request, **form.cleaned_data
            )
        if saved.ok:
            # The key is in this answer only: it is kept as a hash and never shown again.
            return _page(request, CredentialForm(), key=key, created=credential)
    return _page(request, form, status=400 if form.errors else 200)


@require_POST
@role_required(User.Role.ADMINISTRATOR)
def credential_revoke(request):
    try:
        credential = IntegrationCredential.objects.get(uuid=request.POST.get("credential"))
    except (IntegrationCredential.DoesNotExist, ValidationError):
        raise Http404 from None
    integrations.revoke_integration_credential(credential, by=request.user, request=request)
    messages.success(
        request, _("The credential %(name)s no longer works.") % {"name": credential.name}
    )
    return redirect("integration_credentials")


urlpatterns = [
    path("account/integrations/", credential_list, name="integration_credentials"),
    path("account/integrations/revoke/", credential_revoke, name="integration_credential_revoke"),
]
