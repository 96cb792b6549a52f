"""The navigation bar, by role: each role sees the links to its own work. It names the
pages of every app (and counts the unread items of the inbox), so it lives in config,
which wires the apps together, not in one of them."""

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from coordination.models import User
from inbox.services import unread_count

# A link's label; None for the inbox link, whose label carries the unread count.
NAVIGATION: dict[str, list[tuple[str, str | Promise | None]]] = {
    User.Role.PROFESSIONAL: [
        ("consultation_create", _("Request a consultation")),
        ("my_requests", _("My requests")),
        ("networks:my_networks", _("My networks")),
        ("serviceplans:my_actions", _("My actions")),
        ("inbox:list", None),
    ],
    # A job coach is a professional with a caseload and employers.
    User.Role.JOB_COACH: [
        ("coaching:caseload", _("Coaching clients")),
        ("coaching:employer_list", _("Employers")),
        ("coaching:fidelity_list", _("Fidelity reviews")),
        ("networks:my_networks", _("My networks")),
        ("serviceplans:my_actions", _("My actions")),
        ("consultation_create", _("Request a consultation")),
        ("my_requests", _("My requests")),
        ("inbox:list", None),
    ],
    User.Role.COORDINATOR: [
        ("consultation_queue", _("Consultation queue")),
        ("clients:client_search", _("Clients")),
        ("networks:my_networks", _("My networks")),
        ("coaching:caseload", _("Job coaching")),
        ("serviceplans:my_actions", _("My actions")),
        ("consultation_create", _("Request a consultation")),
        ("my_requests", _("My requests")),
        ("inbox:list", None),
    ],
    User.Role.MANAGER: [
        ("metrics:dashboard", _("Activity metrics")),
    ],
    User.Role.ADMINISTRATOR: [
        ("people:person_list", _("People")),
        ("people:organization_list", _("Organisations")),
        ("people:outbox_list", _("Outgoing e-mail")),
        ("clients:access_log", _("Access log")),
    ],
}


def _inbox_label(user) -> tuple[str, int]:
    # One COUNT per page for the unread badge, through the partial index on unread items.
    return str(_("Inbox")), unread_count(user)


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    current = request.path
    items = []
    links = NAVIGATION.get(user.role, [])
    if user.is_org_admin and user.role != User.Role.ADMINISTRATOR:
        # An organisation's own administrator also manages its people.
        links = [*links, ("people:person_list", _("People"))]
    for name, label in links:
        url = reverse(name)
        badge = 0
        if label is None:
            label, badge = _inbox_label(user)
        items.append(
            {"url": url, "label": label, "badge": badge, "active": current.startswith(url)}
        )
    return {"nav_items": items}
