"""Pages of the networks app: parse, access, service, render. Every page that shows a
client's data writes the access log (clients.audit)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from clients.access import access_client
from clients.audit import log_client_access
from clients.models import AccessLog
from common.confirm import ReasonForm, render_confirmation
from common.dates import short_datetime
from common.formerrors import apply_errors, errors_onto
from common.roles import role_required
from coordination.access import access_consultation
from coordination.models import User
from networks import emails, services
from networks.access import (
    access_meeting,
    access_network,
    active_memberships,
    can_manage_meetings,
    can_manage_network,
    network_basis,
    networks_visible_to,
)
from networks.forms import (
    CloseNetworkForm,
    DecisionFormSet,
    HeldMeetingForm,
    MeetingForm,
    MinutesForm,
    NetworkConsentForm,
    OutsideMemberForm,
    ProfessionalMemberForm,
    ProfessionalSearchForm,
)
from networks.models import ClientNetwork, NetworkMeeting
from networks.timeline import network_timeline

MEMBERS = (User.Role.PROFESSIONAL, User.Role.JOB_COACH, User.Role.COORDINATOR)


def _log(request, client, action=AccessLog.Action.VIEW, kind="network"):
    log_client_access(request, client, action=action, kind=kind, basis=network_basis(request.user))


def upcoming_meetings():
    """Scheduled meetings still ahead, soonest first: one query for a whole page of
    networks (prefetch), whatever the number of networks."""
    return Prefetch(
        "meetings",
        queryset=NetworkMeeting.objects.filter(
            status=NetworkMeeting.Status.SCHEDULED, starts_at__gt=timezone.now()
        ).order_by("starts_at"),
        to_attr="upcoming",
    )


# --- Omat verkostot --------------------------------------------------------------------


@role_required(*MEMBERS)
def my_networks(request):
    """The networks the user is an active member of (a coordinator: also those they
    coordinate), each with its next meeting."""
    user = request.user
    show_all = user.is_coordinator and request.GET.get("all") == "1"
    networks = networks_visible_to(user)
    if show_all:
        # The hub's open networks, for a coordinator standing in for a colleague.
        networks = networks.exclude(status=ClientNetwork.Status.CLOSED)
    else:
        mine = Exists(active_memberships(user).filter(network=OuterRef("pk")))
        networks = networks.filter(mine | Q(coordinator=user))
    networks = list(
        networks.select_related("client", "coordinator")
        .annotate(
            member_count=Count("members", filter=Q(members__left_at__isnull=True), distinct=True)
        )
        .prefetch_related(upcoming_meetings())
        .order_by("status", "-opened_at", "pk")
    )
    for network in networks:
        network.next_meeting = network.upcoming[0] if network.upcoming else None
    _log(request, [network.client for network in networks], action=AccessLog.Action.LIST)
    return render(
        request, "networks/network_mine.html", {"networks": networks, "show_all": show_all}
    )


# --- Forming ---------------------------------------------------------------------------


@role_required(User.Role.COORDINATOR)
def network_create(request):
    """Form a network from a consultation that needs one (`?consultation=`) or around a
    client (`?client=`). The client's network consent can be recorded at the same time."""
    source = request.GET if request.method == "GET" else request.POST
    consultation = client = None
    if source.get("consultation"):
        consultation = access_consultation(request.user, source["consultation"])
        client = consultation.client
        if client is None:
            raise Http404
    elif source.get("client"):
        client = access_client(request.user, source["client"])
    else:
        raise Http404
    existing = client.networks.exclude(status=ClientNetwork.Status.CLOSED).first()
    # The requester's organisation is the first one the consent is asked to cover.
    requester = consultation.requesting_organization_id if consultation else None
    form = NetworkConsentForm(
        request.POST or None, initial={"organizations": [requester] if requester else []}
    )
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            network = services.form_network(
                by=request.user,
                consultation=consultation,
                client=None if consultation else client,
                consent=form.consent(),
            )
        except services.InvalidTransition as refusal:
            error = str(refusal)
        except ValidationError as invalid:
            apply_errors(invalid, form)
        else:
            _log(request, client, action=AccessLog.Action.CREATE)
            messages.success(request, _("The client network has been formed. Add its members."))
            return redirect("networks:network_detail", network.uuid)
    _log(request, client)
    return render(
        request,
        "networks/network_create.html",
        {
            "client": client,
            "consultation": consultation,
            "existing": existing,
            "form": form,
            "error": error,
        },
        status=400 if request.method == "POST" else 200,
    )


# --- The network page ------------------------------------------------------------------


def _load_network(request, network_id):
    queryset = networks_visible_to(request.user).select_related(
        "client", "coordinator", "origin_consultation"
    )
    return access_network(request.user, network_id, queryset)


def _network_context(request, network, **forms):
    user = request.user
    members = list(
        network.members.select_related("user", "organization", "added_by").order_by(
            "left_at", "joined_at", "pk"
        )
    )
    meetings = list(network.meetings.order_by("-starts_at"))
    manage = can_manage_network(user, network) and network.is_open
    query = request.GET.get("q", "")
    context = {
        "network": network,
        "client": network.client,
        "active_members": [m for m in members if m.left_at is None],
        "past_members": [m for m in members if m.left_at is not None],
        "has_responsible": any(
            m.left_at is None and m.role == m.Role.RESPONSIBLE_WORKER for m in members
        ),
        "meetings": meetings,
        "timeline": network_timeline(network, members, meetings, user),
        "can_manage": manage,
        "can_manage_meetings": can_manage_meetings(user, network) and network.is_open,
        "consents": services.network_consents(network.client).prefetch_related("organizations"),
        "consent_missing": forms.get("consent_missing"),
    }
    if manage:
        context.update(
            {
                "search_form": ProfessionalSearchForm(request.GET or None),
                "professional_form": forms.get("professional_form")
                or ProfessionalMemberForm(query=query, prefix="pro"),
                "outside_form": forms.get("outside_form") or OutsideMemberForm(prefix="out"),
                "consent_form": forms.get("consent_form")
                or NetworkConsentForm(required=True, prefix="consent"),
                "close_form": forms.get("close_form") or CloseNetworkForm(prefix="close"),
            }
        )
    return context


@role_required(*MEMBERS)
def network_detail(request, network_id):
    network = _load_network(request, network_id)
    _log(request, network.client)
    return render(request, "networks/network_detail.html", _network_context(request, network))


def _rerender(request, network, **forms):
    return render(
        request,
        "networks/network_detail.html",
        _network_context(request, network, **forms),
        status=400,
    )


def _require_manager(request, network):
    if not can_manage_network(request.user, network):
        raise Http404


@require_POST
@role_required(User.Role.COORDINATOR)
def member_add_professional(request, network_id):
    network = _load_network(request, network_id)
    _require_manager(request, network)
    form = ProfessionalMemberForm(request.POST, prefix="pro")
    if form.is_valid():
        try:
            member = services.add_network_member(
                network,
                by=request.user,
                user=form.cleaned_data["user"],
                role=form.cleaned_data["role"],
            )
        except services.ConsentMissing as missing:
            form.add_error("user", str(missing))
            consent_form = NetworkConsentForm(
                required=True,
                prefix="consent",
                initial={"organizations": [missing.organization]},
            )
            return _rerender(
                request,
                network,
                professional_form=form,
                consent_form=consent_form,
                consent_missing=missing.organization,
            )
        except services.InvalidTransition as refusal:
            form.add_error(None, str(refusal))
        except ValidationError as invalid:
            apply_errors(invalid, form)
        else:
            messages.success(
                request, _("%(name)s has been added to the network.") % {"name": member}
            )
            return redirect("networks:network_detail", network.uuid)
    return _rerender(request, network, professional_form=form)


@require_POST
@role_required(User.Role.COORDINATOR)
def member_add_outside(request, network_id):
    network = _load_network(request, network_id)
    _require_manager(request, network)
    form = OutsideMemberForm(request.POST, prefix="out")
    if form.is_valid():
        with errors_onto(form) as saved:
            member = services.add_network_member(network, by=request.user, **form.cleaned_data)
        if saved.ok:
            messages.success(
                request, _("%(name)s has been added to the network.") % {"name": member}
            )
            return redirect("networks:network_detail", network.uuid)
    return _rerender(request, network, outside_form=form)


@role_required(User.Role.COORDINATOR)
def member_remove(request, network_id, member_id):
    """The member leaves the network, on a page that asks why."""
    network = _load_network(request, network_id)
    _require_manager(request, network)
    member = network.members.filter(uuid=member_id).first()
    if member is None:
        raise Http404
    back = reverse("networks:network_detail", args=[network.uuid])
    if member.left_at is not None:
        messages.info(request, _("%(name)s has left the network.") % {"name": member.display_name})
        return redirect(back)
    form = ReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with errors_onto(form) as saved:
            services.remove_network_member(
                member, by=request.user, reason=form.cleaned_data["reason"]
            )
        if saved.ok:
            messages.success(
                request, _("%(name)s has left the network.") % {"name": member.display_name}
            )
            return redirect(back)
    return render_confirmation(
        request,
        form=form,
        title=_("Remove %(name)s from the network") % {"name": member.display_name},
        question=_("Do you want to remove %(name)s (%(role)s) from the client network?")
        % {"name": member.display_name, "role": member.get_role_display()},
        consequence=_(
            "Their access to the client's network and plan ends at once. The network's "
            "history keeps that they took part, with the reason."
        ),
        confirm_label=_("Remove from the network"),
        cancel_url=back,
    )


@require_POST
@role_required(User.Role.COORDINATOR)
def consent_extend(request, network_id):
    network = _load_network(request, network_id)
    _require_manager(request, network)
    form = NetworkConsentForm(request.POST, required=True, prefix="consent")
    if form.is_valid():
        data = form.consent()
        with errors_onto(form) as saved:
            services.extend_network_consent(
                network,
                by=request.user,
                method=data["method"],
                organizations=data["organizations"],
                valid_until=data["valid_until"],
            )
        if saved.ok:
            messages.success(request, _("The client's network consent has been recorded."))
            return redirect("networks:network_detail", network.uuid)
    return _rerender(request, network, consent_form=form)


@require_POST
@role_required(User.Role.COORDINATOR)
def network_close(request, network_id):
    network = _load_network(request, network_id)
    _require_manager(request, network)
    form = CloseNetworkForm(request.POST, prefix="close")
    if form.is_valid():
        with errors_onto(form) as saved:
            services.close_network(network, by=request.user, **form.cleaned_data)
        if saved.ok:
            messages.success(request, _("The client network has been closed."))
            return redirect("networks:network_detail", network.uuid)
    return _rerender(request, network, close_form=form)


# --- Meetings --------------------------------------------------------------------------


@role_required(*MEMBERS)
def meeting_create(request, network_id):
    network = _load_network(request, network_id)
    if not can_manage_meetings(request.user, network):
        raise Http404
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_onto(form, mapping=form.service_errors()) as saved:
            meeting = services.schedule_meeting(network, by=request.user, **form.service_data())
        if saved.ok:
            messages.success(
                request, _("The meeting has been scheduled and the invitations are being sent.")
            )
            return redirect("networks:meeting_detail", meeting.uuid)
    _log(request, network.client, kind="network_meeting")
    return render(
        request,
        "networks/meeting_form.html",
        {"network": network, "form": form, "meeting": None},
        status=400 if request.method == "POST" else 200,
    )


@role_required(*MEMBERS)
def meeting_record_held(request, network_id):
    """ "Kirjaa pidetty kokous": a meeting held today or earlier, perhaps by phone, that
    was not scheduled here. Nobody is invited; the page goes on to its minutes."""
    network = _load_network(request, network_id)
    if not can_manage_meetings(request.user, network):
        raise Http404
    form = HeldMeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_onto(form, mapping=form.service_errors()) as saved:
            meeting = services.record_held_meeting(network, by=request.user, **form.service_data())
        if saved.ok:
            messages.success(
                request, _("The meeting has been recorded as held. Record who took part.")
            )
            url = reverse("networks:meeting_detail", args=[meeting.uuid])
            return redirect(f"{url}#h-minutes")
    _log(request, network.client, kind="network_meeting")
    return render(
        request,
        "networks/meeting_held_form.html",
        {"network": network, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _load_meeting(request, meeting_id):
    meeting = access_meeting(request.user, meeting_id)
    return meeting, meeting.network


@role_required(*MEMBERS)
def meeting_edit(request, meeting_id):
    meeting, network = _load_meeting(request, meeting_id)
    if not can_manage_meetings(request.user, network):
        raise Http404
    form = MeetingForm.for_meeting(meeting, request.POST or None)
    stale = False
    if request.method == "POST" and form.is_valid():
        with errors_onto(form, mapping=form.service_errors()) as saved:
            services.update_meeting(meeting, by=request.user, **form.service_data())
        if saved.ok:
            messages.success(request, _("The meeting has been updated."))
            return redirect("networks:meeting_detail", meeting.uuid)
        stale = saved.stale
    _log(request, network.client, kind="network_meeting")
    return render(
        request,
        "networks/meeting_form.html",
        {"network": network, "form": form, "meeting": meeting},
        status=409 if stale else 400 if request.method == "POST" else 200,
    )


def _meeting_context(request, meeting, minutes_form=None, decision_forms=None):
    network = meeting.network
    manage = can_manage_meetings(request.user, network)
    started = meeting.starts_at <= timezone.now()
    context = {
        "meeting": meeting,
        "network": network,
        "client": network.client,
        "attendees": list(meeting.attendees.select_related("user", "organization")),
        "decisions": list(meeting.decisions.select_related("responsible", "responsible__user")),
        "can_edit": manage and meeting.status == NetworkMeeting.Status.SCHEDULED,
        "can_record": manage and started and meeting.status != NetworkMeeting.Status.CANCELLED,
    }
    if context["can_record"]:
        context["minutes_form"] = minutes_form or MinutesForm(meeting=meeting)
        context["decision_forms"] = decision_forms or DecisionFormSet(
            prefix="decisions", form_kwargs={"meeting": meeting}
        )
    return context


@role_required(*MEMBERS)
def meeting_detail(request, meeting_id):
    meeting, network = _load_meeting(request, meeting_id)
    _log(request, network.client, kind="network_meeting")
    return render(request, "networks/meeting_detail.html", _meeting_context(request, meeting))


@role_required(*MEMBERS)
def meeting_invite_ics(request, meeting_id):
    """The meeting's calendar file, the same the invitation e-mail carries. It names no
    client, but the meeting is part of a client's network: read as the page is read."""
    meeting, network = _load_meeting(request, meeting_id)
    ics = emails.invitation_calendar(meeting)
    _log(request, network.client, action=AccessLog.Action.EXPORT, kind="network_meeting")
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="invite.ics"'
    return response


@role_required(*MEMBERS)
def meeting_cancel(request, meeting_id):
    """Cancel a scheduled meeting, on a page that asks why; the members are told."""
    meeting, network = _load_meeting(request, meeting_id)
    if not can_manage_meetings(request.user, network):
        raise Http404
    back = reverse("networks:meeting_detail", args=[meeting.uuid])
    form = ReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with errors_onto(form) as saved:
            services.cancel_meeting(meeting, by=request.user, reason=form.cleaned_data["reason"])
        if saved.ok:
            messages.success(request, _("The meeting has been cancelled; the members are told."))
            return redirect(back)
    when = short_datetime(meeting.starts_at)
    return render_confirmation(
        request,
        form=form,
        title=_("Cancel the meeting"),
        question=_("Do you want to cancel the network meeting of %(time)s?") % {"time": when},
        consequence=_(
            "Every invited member gets a cancellation by e-mail. The reason is shown on "
            "the network's history."
        ),
        confirm_label=_("Cancel the meeting"),
        cancel_url=back,
    )


@role_required(*MEMBERS)
def meeting_minutes_print(request, meeting_id):
    """The record of a meeting on paper: attendance, minutes and decisions, with the
    client's name only in the heading; before the minutes are written, the same sheet
    with the decisions so far, to take notes on. Read as an export. A meeting that has
    not started or was cancelled has no record."""
    meeting, network = _load_meeting(request, meeting_id)
    if meeting.status == NetworkMeeting.Status.CANCELLED or meeting.starts_at > timezone.now():
        raise Http404
    _log(request, network.client, action=AccessLog.Action.EXPORT, kind="network_meeting")
    return render(
        request,
        "networks/meeting_minutes_print.html",
        {
            "meeting": meeting,
            "network": network,
            "client": network.client,
            "attendees": list(meeting.attendees.select_related("user", "organization")),
            "decisions": list(meeting.decisions.select_related("responsible", "responsible__user")),
            "printed_at": timezone.localtime(),
        },
    )


@require_POST
@role_required(*MEMBERS)
def meeting_minutes_share(request, meeting_id):
    meeting, network = _load_meeting(request, meeting_id)
    if not can_manage_meetings(request.user, network):
        raise Http404
    try:
        told = services.share_minutes(meeting, by=request.user)
    except services.InvalidTransition as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            ngettext(
                "The minutes were shared with %(count)d member: a link in their inbox.",
                "The minutes were shared with %(count)d members: a link in their inbox.",
                told,
            )
            % {"count": told},
        )
    return redirect("networks:meeting_detail", meeting.uuid)


@require_POST
@role_required(*MEMBERS)
def meeting_minutes(request, meeting_id):
    meeting, network = _load_meeting(request, meeting_id)
    if not can_manage_meetings(request.user, network):
        raise Http404
    form = MinutesForm(request.POST, meeting=meeting)
    decision_forms = DecisionFormSet(
        request.POST, prefix="decisions", form_kwargs={"meeting": meeting}
    )
    stale = False
    if form.is_valid() and decision_forms.is_valid():
        with errors_onto(form) as saved:
            services.record_meeting_minutes(
                meeting,
                by=request.user,
                attendees=form.cleaned_data["attendees"],
                client_present=form.cleaned_data["client_present"],
                minutes=form.cleaned_data["minutes"],
                decisions=[d.cleaned_data for d in decision_forms if d.cleaned_data],
                lock_version=form.cleaned_data["lock_version"],
            )
        if saved.ok:
            messages.success(request, _("The minutes have been saved."))
            return redirect("networks:meeting_detail", meeting.uuid)
        stale = saved.stale
        meeting.refresh_from_db()  # the minutes saved meanwhile, shown beside the form
    _log(request, network.client, kind="network_meeting")
    return render(
        request,
        "networks/meeting_detail.html",
        _meeting_context(request, meeting, form, decision_forms),
        status=409 if stale else 400,
    )
