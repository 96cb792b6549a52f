"""The metrics dashboard: parse the filters, build the summary, render it or one table
as CSV. Managers and coordinators only (`metrics.access`); everybody else gets 404."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from common.csvexport import csv_response
from metrics.access import metrics_required
from metrics.filters import Filters
from metrics.forms import MetricsFilterForm, WorkAbilityFilterForm
from metrics.summary import build_summary
from metrics.topics.workability import Period, self_assessment_means


@metrics_required
def dashboard(request):
    form = MetricsFilterForm(request.GET or None)
    valid = form.is_valid()
    filters = form.filters() if valid else Filters.default()
    summary = build_summary(filters)
    # An impossible period is not exported: the page says next to the field what is wrong.
    if request.GET.get("format") == "csv" and (valid or not form.is_bound):
        return _csv(summary, request.GET.get("table", ""))
    chart_data = [
        {"key": t["key"], "chart": t["chart"], "headers": t["headers"], "rows": t["rows"]}
        for t in summary["tables"]
        if t["chart"]
    ]
    query = request.GET.copy()
    query.pop("format", None)
    query.pop("table", None)
    return render(
        request,
        "metrics/dashboard.html",
        {
            "title": _("Activity metrics"),
            "section": "metrics",
            "form": form,
            "summary": summary,
            "filters": filters,
            "chart_data": chart_data,
            "query": query.urlencode(),
        },
    )


def _csv(summary: dict, key: str) -> HttpResponse:
    table = next((t for t in summary["tables"] if t["key"] == key), None)
    if table is None:
        raise Http404
    filters = summary["filters"]
    rows = [*table["rows"], table["total"]] if table["total"] else table["rows"]
    return csv_response(
        f"metrics-{key}-{filters['from']}-{filters['to']}.csv", table["headers"], rows
    )


def work_ability_table(form: WorkAbilityFilterForm) -> dict:
    """The page, its CSV and the API: one function, one table."""
    if form.is_bound and form.is_valid():
        start, end, by = form.chosen_period()
    else:
        filters = Filters.default()
        start, end, by = filters.start, filters.end, "month"
    result = self_assessment_means(Period(start=start, end=end, by=by))
    result["filters"] = {"from": start.isoformat(), "to": end.isoformat(), "period": by}
    return result


@metrics_required
def work_ability(request):
    """The mean self-assessed Work Ability Score per period and organisation."""
    form = WorkAbilityFilterForm(request.GET or None)
    valid = form.is_valid() if form.is_bound else True
    table = work_ability_table(form)
    if request.GET.get("format") == "csv" and valid:
        return csv_response("metrics-work-ability.csv", table["headers"], table["rows"])
    query = request.GET.copy()
    query.pop("format", None)
    query.pop("table", None)
    return render(
        request,
        "metrics/work_ability.html",
        {
            "title": _("Self-assessed work ability"),
            "section": "metrics",
            "form": form,
            "table": table,
            "query": query.urlencode(),
        },
        status=200 if valid else 400,
    )
