"""Pages of the clients app: parse, access, service, render."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_POST

from clients import access_review, services
from clients.access import (
    access_client,
    access_logs_visible_to,
    access_report_client,
    can_record_consent,
    can_withdraw_consent,
    clients_visible_to,
)
from clients.audit import log_access_log_review, log_client_access
from clients.filters import AccessLogClientSearchForm, AccessLogFilterSet
from clients.forms import (
    AssessmentForm,
    ClientCodeSearchForm,
    ClientEditForm,
    ClientSearchForm,
    ConsentForm,
    ConsentWithdrawalForm,
)
from clients.models import AccessLog, AccessLogReview, looks_like_identity_code
from clients.timeline import RecordFilterForm, client_record, client_timeline, kind_groups
from common.confirm import render_confirmation
from common.csvexport import streaming_csv_response
from common.formerrors import errors_onto
from common.roles import role_required
from common.timeline import DEFAULT_LIMIT, MAX_LIMIT
from coordination.models import User

SEARCH_LIMIT = 50


# Error reports (to logs or e-mail) must never carry an identity code.
@sensitive_variables()
@sensitive_post_parameters("personal_identity_code")
@role_required(User.Role.COORDINATOR)
def client_search(request):
    """By name (GET), or by the exact identity code (POST, so the code never appears in a
    URL); a code that matches opens the client's page."""
    if looks_like_identity_code(request.GET.get("q")):
        # A code typed as a name is already in the address bar and the server's log; it
        # is not searched for, repeated or kept in the address any further.
        messages.warning(
            request,
            _(
                "To find a client by personal identity code, use the personal identity code "
                "field: a code in the name search would end up in web addresses and logs."
            ),
        )
        return redirect("clients:client_search")
    name_form = ClientSearchForm(request.GET or None)
    code_form = ClientCodeSearchForm(request.POST or None)
    results = None
    if request.method == "POST" and code_form.is_valid():
        client = services.find_client_by_identity_code(
            code_form.cleaned_data["personal_identity_code"]
        )
        if client is not None and clients_visible_to(request.user).filter(pk=client.pk).exists():
            return redirect("clients:client_detail", client.uuid)
        code_form.add_error(
            "personal_identity_code", _("No client with this personal identity code.")
        )
    elif name_form.is_valid() and name_form.cleaned_data["q"].strip():
        query = Q()
        for word in name_form.cleaned_data["q"].split():
            query &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
        results = list(clients_visible_to(request.user).filter(query)[:SEARCH_LIMIT])
        log_client_access(request, results, action=AccessLog.Action.LIST)
    return render(
        request,
        "clients/client_search.html",
        {"name_form": name_form, "code_form": code_form, "results": results},
    )


@role_required(User.Role.COORDINATOR, User.Role.PROFESSIONAL, User.Role.JOB_COACH)
def client_detail(request, client_id, consent_form=None):
    client = access_client(request.user, client_id)
    log_client_access(request, client, action=AccessLog.Action.VIEW)
    consents = list(client.consents.select_related("recorded_by").prefetch_related("organizations"))
    for consent in consents:
        consent.can_withdraw = consent.is_valid and can_withdraw_consent(request.user, consent)
    return render(
        request,
        "clients/client_detail.html",
        {
            "client": client,
            "consents": consents,
            "timeline": client_timeline(client, request.user),
            "can_edit": request.user.is_coordinator,
            "consent_form": consent_form
            or (ConsentForm() if can_record_consent(request.user, client) else None),
            # One query, the people and organisations joined
            "health_checks": list(
                client.health_checks.select_related(
                    "offered_by", "done_by", "organization", "plan_action"
                )
            ),
        },
        status=400 if consent_form is not None else 200,
    )


@require_POST
@role_required(User.Role.COORDINATOR)
def consent_create(request, client_id):
    client = access_client(request.user, client_id)
    if not can_record_consent(request.user, client, request.POST.get("scope")):
        raise PermissionDenied
    form = ConsentForm(request.POST)
    if form.is_valid():
        with errors_onto(form) as saved:
            services.record_consent(client, by=request.user, **form.cleaned_data)
        if saved.ok:
            log_client_access(request, client, action=AccessLog.Action.CREATE, kind="consent")
            messages.success(request, _("The consent has been recorded."))
            return redirect("clients:client_detail", client.uuid)
    return client_detail(request, client_id, consent_form=form)


@role_required(User.Role.COORDINATOR, User.Role.PROFESSIONAL, User.Role.JOB_COACH)
def consent_withdraw(request, client_id, consent_id):
    """A page of its own that asks when, how and by whom the consent was withdrawn;
    honoured at once: after this the consent opens nothing."""
    client = access_client(request.user, client_id)
    consent = client.consents.filter(uuid=consent_id).first()
    if consent is None or not can_withdraw_consent(request.user, consent):
        raise Http404
    back = reverse("clients:client_detail", args=[client.uuid])
    if request.method == "POST":
        form = ConsentWithdrawalForm(request.POST)
    else:
        form = ConsentWithdrawalForm(initial={"withdrawn_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with errors_onto(form) as saved:
            services.withdraw_consent(
                consent,
                by=request.user,
                withdrawn_on=data["withdrawn_on"],
                channel=data["withdrawal_channel"],
                reported_by=data["withdrawal_reported_by"],
            )
        if saved.ok:
            log_client_access(request, client, action=AccessLog.Action.UPDATE, kind="consent")
            messages.success(request, _("The consent has been withdrawn."))
            if clients_visible_to(request.user).filter(pk=client.pk).exists():
                return redirect("clients:client_detail", client.uuid)
            return redirect("my_requests")
    else:
        log_client_access(request, client, action=AccessLog.Action.VIEW, kind="consent")
    return render_confirmation(
        request,
        form=form,
        title=_("Withdraw the consent"),
        question=_("Record the withdrawal of the consent: %(consent)s.")
        % {"consent": consent.get_scope_display()},
        consequence=_(
            "The withdrawal is honoured at once: from now on this consent opens none of the "
            "client's data. It cannot be undone; a new consent is recorded separately."
        ),
        confirm_label=_("Withdraw the consent"),
        cancel_url=back,
    )


# --- The client's record: every app's entries, newest first ------------------------------

RECORD_ROLES = (User.Role.COORDINATOR, User.Role.PROFESSIONAL, User.Role.JOB_COACH)


@role_required(*RECORD_ROLES)
def client_record_page(request, client_id):
    """The whole history of the client as the user may see it, filtered by kind and
    period (GET), newest first, `DEFAULT_LIMIT` entries more at each "show more";
    `?print=1` is the same list laid out for printing. Every reading is logged, an
    empty one too."""
    client = access_client(request.user, client_id)
    form = RecordFilterForm(request.GET or None)
    valid = form.is_valid() if form.is_bound else True
    printing = request.GET.get("print") == "1"
    log_client_access(
        request,
        client,
        action=AccessLog.Action.EXPORT if printing else AccessLog.Action.VIEW,
        kind="client_record",
    )
    timeline = client_record(client, request.user, form.query()) if valid else None
    query = request.GET.copy()
    query.pop("print", None)
    more = query.copy()
    if timeline is not None:
        more["show"] = str(min(timeline.query.limit + DEFAULT_LIMIT, MAX_LIMIT))
    query.pop("show", None)
    return render(
        request,
        "clients/client_record_print.html" if printing else "clients/client_record.html",
        {
            "client": client,
            "form": form,
            "kind_groups": kind_groups(),
            "chosen_kinds": set(form.cleaned_data.get("kind") or [])
            if valid and form.is_bound
            else set(),
            "timeline": timeline,
            "more_query": more.urlencode(),
            "filter_query": query.urlencode(),
            "can_show_more": timeline is not None
            and timeline.has_more
            and timeline.query.limit < MAX_LIMIT,
        },
        status=200 if valid else 400,
    )


# --- The hub corrects the client's details --------------------------------------------


@role_required(User.Role.COORDINATOR)
def client_edit(request, client_id):
    """Names, contact details, language, municipality, life situation and target groups,
    saved from the version the form was opened at: a stale save answers 409 and keeps the
    text. The change (who, which fields) joins the client's record."""
    client = access_client(request.user, client_id)
    if request.method != "POST":
        log_client_access(request, client, action=AccessLog.Action.VIEW)
        form = ClientEditForm(initial=ClientEditForm.initial_for(client))
        return render(request, "clients/client_edit.html", {"client": client, "form": form})
    form = ClientEditForm(request.POST)
    saved = None
    if form.is_valid():
        with errors_onto(form) as saved:
            services.update_client(
                client,
                by=request.user,
                lock_version=form.cleaned_data["lock_version"],
                **form.client_data(),
            )
        if saved.ok:
            log_client_access(request, client, action=AccessLog.Action.UPDATE)
            messages.success(request, _("The client's details have been saved."))
            return redirect("clients:client_detail", client.uuid)
    client.refresh_from_db()
    stale = saved is not None and saved.stale
    return render(
        request,
        "clients/client_edit.html",
        {"client": client, "form": form, "stale": stale},
        status=409 if stale else 400,
    )


# --- The work-ability assessment ------------------------------------


@role_required(User.Role.COORDINATOR, User.Role.PROFESSIONAL, User.Role.JOB_COACH)
def assessment_create(request, client_id):
    """Record a work-ability assessment; the client page draws the score over time."""
    client = access_client(request.user, client_id)
    form = AssessmentForm(request.POST or None, initial={"assessed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        with errors_onto(form) as saved:
            services.record_assessment(client, by=request.user, **form.cleaned_data)
        if saved.ok:
            log_client_access(request, client, action=AccessLog.Action.CREATE, kind="assessment")
            messages.success(request, _("The work-ability assessment has been recorded."))
            return redirect(reverse("clients:client_detail", args=[client.uuid]) + "#h-assessments")
    log_client_access(request, client, action=AccessLog.Action.VIEW, kind="assessment")
    return render(
        request,
        "clients/assessment_form.html",
        {"client": client, "form": form},
        status=400 if request.method == "POST" else 200,
    )


# --- The access-log review for administrators ------------------------------

ACCESS_LOG_PAGE_SIZE = 50


# The client search may carry an identity code: never in an error report either.
@sensitive_variables()
@sensitive_post_parameters("client_query")
@role_required(User.Role.ADMINISTRATOR)
def access_log_list(request):
    """The access log, newest first, filtered (GET, uuids only) and paginated; `?format=csv`
    streams the same rows. The client to filter by is found with a POST search whose
    input never comes back in the page or a URL. Every reading is in the review trail."""
    logs = access_logs_visible_to(request.user)
    filterset = AccessLogFilterSet(request.GET or None, queryset=logs, request=request)
    valid = filterset.is_valid() if filterset.is_bound else True
    rows = filterset.qs if filterset.is_bound and valid else logs
    if not valid:
        rows = logs.none()
    filters = filterset.url_filters() if filterset.is_bound and valid else {}
    selected_client = filterset.form.cleaned_data.get("client") if filters else None

    if request.GET.get("format") == "csv":
        log_access_log_review(
            request, action=AccessLogReview.Action.EXPORT, client=selected_client, filters=filters
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return streaming_csv_response(
            f"access-log-{stamp}.csv", access_review.csv_header(), access_review.csv_rows(rows)
        )

    search_form = AccessLogClientSearchForm(request.POST or None)
    found = None
    search_failed = False
    if request.method == "POST":
        if search_form.is_valid():
            found = access_review.find_clients(search_form.cleaned_data["client_query"])
            search_form = AccessLogClientSearchForm()
        else:
            search_failed = True
        # Recorded without the query: what was searched for stays out of every log.
        log_access_log_review(request, action=AccessLogReview.Action.SEARCH)

    page = Paginator(access_review.with_related(rows), ACCESS_LOG_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    log_access_log_review(
        request, action=AccessLogReview.Action.LIST, client=selected_client, filters=filters
    )
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    without_client = query.copy()
    without_client.pop("client", None)
    return render(
        request,
        "clients/access_log_list.html",
        {
            "filterset": filterset,
            "search_form": search_form,
            "found": found,
            "page": page,
            "selected_client": selected_client,
            "query": query.urlencode(),
            "without_client": without_client.urlencode(),
        },
        status=400 if not valid or search_failed else 200,
    )


def _no_fetch(url, *args, **kwargs):
    raise ValueError(f"PDF rendering fetches nothing: {url[:60]}")


@role_required(User.Role.ADMINISTRATOR)
def access_report(request, client_id):
    """ "Who has seen this person's data, when and why" – the extract the client may ask
    for under the client-data act (703/2023 section 11). A page, or `?format=pdf` in the
    client's own language. The report is recorded in the review trail first, so that it
    lists itself."""
    client = access_report_client(request.user, client_id)
    as_pdf = request.GET.get("format") == "pdf"
    log_access_log_review(
        request,
        action=AccessLogReview.Action.REPORT,
        client=client,
        filters={"format": "pdf"} if as_pdf else {},
    )
    report = access_review.client_report(client)
    if not as_pdf:
        return render(request, "clients/access_report.html", report)
    # WeasyPrint takes over a second to import; only a PDF needs it, not every process.
    from weasyprint import HTML  # noqa: PLC0415

    language = client.language if client.language in dict(settings.LANGUAGES) else None
    with translation.override(language or translation.get_language()):
        html = render_to_string("clients/access_report_pdf.html", report)
    # Made here, not in a Celery task like the plan PDF: an administrator asks for it
    # rarely, one client's log is short, and the answer is needed at once.
    pdf = HTML(
        string=html, base_url=str(settings.BASE_DIR / "static"), url_fetcher=_no_fetch
    ).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="access-report-{stamp}.pdf"'
    return response
