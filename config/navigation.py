"""The navigation bar, by role: each role sees the links to its own work. It names the
pages of every app (and counts the plan reminders with the notifications), so it lives
in config, which wires the apps together, not in one of them."""

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from coordination.models import User

# A link's label; None for the notifications link, whose label carries the unread count.
NAVIGATION: dict[str, list[tuple[str, str | Promise | None]]] = {
    User.Role.PROFESSIONAL: [
        ("consultation_create", _("Request a consultation")),
        ("my_requests", _("My requests")),
        ("networks:my_networks", _("My networks")),
        ("serviceplans:my_actions", _("My actions")),
        ("notification_list", None),
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
        ("notification_list", None),
    ],
    User.Role.COORDINATOR: [
        ("consultation_queue", _("Consultation queue")),
        ("clients:client_search", _("Clients")),
        ("networks:my_networks", _("My networks")),
        ("coaching:caseload", _("Job coaching")),
        ("serviceplans:my_actions", _("My actions")),
        ("consultation_create", _("Request a consultation")),
        ("my_requests", _("My requests")),
        ("notification_list", None),
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


def _notifications_label(user) -> str:
    # One count per page for the unread badge: the notifications and the plan reminders
    # (both shown on the notifications page), each through its (recipient, read_at) index.
    unread = (
        user.notifications.filter(read_at__isnull=True)
        .order_by()
        .values("pk")
        .union(user.plan_reminders.filter(read_at__isnull=True).order_by().values("pk"), all=True)
        .count()
    )
    if not unread:
        return str(_("Notifications"))
    return ngettext(
        "Notifications (%(count)d unread)", "Notifications (%(count)d unread)", unread
    ) % {"count": unread}


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
        if label is None:
            label = _notifications_label(user)
        items.append({"url": url, "label": label, "active": current.startswith(url)})
    return {"nav_items": items}
