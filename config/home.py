"""The home page of each role, with its “Minulle nyt” worklist (`config.worklists`).

It lives in config because the worklist reads every app; the apps below cannot."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from config import worklists
from coordination import queue
from coordination.access import consultations_visible_to
from coordination.models import ConsultationRequest, User

REQUESTERS = (User.Role.PROFESSIONAL, User.Role.JOB_COACH, User.Role.COORDINATOR)

HOME_TEMPLATES = {
    User.Role.PROFESSIONAL: "coordination/home_professional.html",
    User.Role.COORDINATOR: "coordination/home_coordinator.html",
    User.Role.MANAGER: "coordination/home_manager.html",
    User.Role.ADMINISTRATOR: "coordination/home_administrator.html",
}


@login_required
def home(request):
    user = request.user
    template = HOME_TEMPLATES.get(user.role, HOME_TEMPLATES[User.Role.PROFESSIONAL])
    context: dict = {}
    if user.role in REQUESTERS:
        mine = consultations_visible_to(user).filter(requester=user)
        context["my_open_count"] = mine.filter(status__in=ConsultationRequest.OPEN_STATUSES).count()
    if user.is_coordinator:
        # The same definition as the queue's "Waiting" tab.
        context["queue_waiting_count"] = queue.waiting_for_hub(
            consultations_visible_to(user)
        ).count()
    if user.is_manager:
        context["figures"] = worklists.manager_figures()
    sections = worklists.worklist_for(user)
    worklists.log_worklist(request, sections)
    context["worklist"] = sections
    return render(request, template, context)
