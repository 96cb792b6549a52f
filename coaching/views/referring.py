"""Referring a client to job coaching."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from clients.audit import log_client_access
from clients.models import AccessLog
from coaching import services
from coaching.access import coaching_teams, referral_subject
from coaching.forms import ReferForm
from coaching.models import Referral
from coaching.views.base import REFERRAL_ROLES
from common.formerrors import errors_onto
from common.roles import role_required


@role_required(*REFERRAL_ROLES)
def refer(request):
    """Refer a client to job coaching: `?plan_action=` (an IPS plan action),
    `?consultation=` (a consultation that asked for job coaching) or `?client=`."""
    user = request.user
    client, plan_action, consultation = referral_subject(
        user,
        plan_action=request.GET.get("plan_action"),
        consultation=request.GET.get("consultation"),
        client=request.GET.get("client"),
    )
    teams = coaching_teams()
    form = ReferForm(
        request.POST or None,
        teams=teams,
        initial={"source": services.source_for(user, consultation)},
    )
    open_referral = client.coaching_referrals.exclude(status=Referral.Status.ENDED).first()
    if request.method == "POST" and form.is_valid():
        with errors_onto(form) as saved:
            referral = services.refer(
                by=user,
                client=client,
                team=form.cleaned_data["team"],
                source=form.cleaned_data["source"],
                plan_action=plan_action,
                consultation=consultation,
                notes=form.cleaned_data["notes"],
            )
        if saved.ok:
            messages.success(request, _("The client has been referred to job coaching."))
            return redirect("coaching:referral_detail", referral.uuid)
    log_client_access(request, client, action=AccessLog.Action.VIEW, kind="coaching_referral")
    return render(
        request,
        "coaching/refer.html",
        {
            "form": form,
            "client": client,
            "plan_action": plan_action,
            "consultation": consultation,
            "open_referral": open_referral,
            "no_teams": not teams.exists(),
        },
        status=400 if request.method == "POST" else 200,
    )
