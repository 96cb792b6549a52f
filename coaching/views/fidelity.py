"""The IPS fidelity reviews of the coaching teams."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from coaching import services
from coaching.access import can_review_fidelity, coaching_teams, fidelity_reviews_visible_to
from coaching.forms import FidelityReviewForm
from coaching.models import FIDELITY_ITEMS, FidelityBand, FidelityReview
from coaching.views.base import FIDELITY_ROLES
from common.formerrors import errors_onto
from common.roles import role_required
from coordination.models import User


def _band_class(band: str) -> str:
    return {
        FidelityBand.EXEMPLARY: "success",
        FidelityBand.GOOD: "primary",
        FidelityBand.FAIR: "warning",
        FidelityBand.NOT_SUPPORTED_EMPLOYMENT: "danger",
    }.get(band, "secondary")


@role_required(*FIDELITY_ROLES)
def fidelity_list(request):
    """The trend of each team's fidelity reviews: a table per team (the accessible source)
    and a line chart drawn from it."""
    user = request.user
    reviews = list(
        fidelity_reviews_visible_to(user)
        .select_related("team", "reviewed_by")
        .order_by("team__name", "team_id", "reviewed_on", "pk")
    )
    teams: dict[int, dict] = {}
    for review in reviews:
        review.band_class = _band_class(review.band)
        team = teams.setdefault(
            review.team_id, {"team": review.team, "reviews": [], "key": review.team.uuid}
        )
        team["reviews"].append(review)
    for team in teams.values():
        previous = None
        for review in team["reviews"]:
            review.change = None if previous is None else review.total - previous.total
            previous = review
        team["latest"] = team["reviews"][-1]
    return render(
        request,
        "coaching/fidelity_list.html",
        {
            "teams": list(teams.values()),
            "can_review": can_review_fidelity(user),
            "bands": FidelityBand.choices,
        },
    )


@role_required(User.Role.JOB_COACH, User.Role.COORDINATOR)
def fidelity_create(request):
    user = request.user
    teams = coaching_teams()
    if user.is_job_coach:
        teams = teams.filter(pk=user.organization_id)
    initial = {"team": teams.first().uuid} if teams.count() == 1 else {}
    form = FidelityReviewForm(request.POST or None, teams=teams, initial=initial)
    if request.method == "POST" and form.is_valid():
        with errors_onto(form) as saved:
            review = services.save_fidelity_review(
                by=user,
                team=form.cleaned_data["team"],
                reviewed_on=form.cleaned_data["reviewed_on"],
                scores=form.scores(),
                notes=form.cleaned_data["notes"],
            )
        if saved.ok:
            messages.success(
                request,
                _("The fidelity review has been saved: %(total)d/125, %(band)s.")
                % {"total": review.total, "band": review.get_band_display()},
            )
            return redirect("coaching:fidelity_detail", review.uuid)
    return render(
        request,
        "coaching/fidelity_form.html",
        {"form": form, "no_teams": not teams.exists()},
        status=400 if request.method == "POST" else 200,
    )


@role_required(*FIDELITY_ROLES)
def fidelity_detail(request, review_id):
    try:
        review = (
            fidelity_reviews_visible_to(request.user)
            .select_related("team", "reviewed_by")
            .get(uuid=review_id)
        )
    except (FidelityReview.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None
    labels = dict(FIDELITY_ITEMS)
    scores = [(s.item, labels.get(s.item, s.item), s.score) for s in review.scores.all()]
    return render(
        request,
        "coaching/fidelity_detail.html",
        {"review": review, "scores": scores, "band_class": _band_class(review.band)},
    )
