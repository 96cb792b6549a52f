"""The demo county, built through the same services as the pages use.

`seed_world` creates the organisations and the demo users when they are missing, and
the lived-in part (clients, requests, networks, plans, coaching, history) once: when the
first demo client exists, the world is there already and nothing more is made.
"""

from django.db import transaction

from clients.models import Client
from demo.world import coaching, history, inbox, networks, past_networks, requests
from demo.world.organisations import seed_organisations
from demo.world.people import MARKER_CODE, seed_users
from outbox.models import OutboxMessage


@transaction.atomic
def seed_world() -> int:
    """Create what is missing; leave what exists as it is. Returns how many were new."""
    organisations, created = seed_organisations()
    users, new_users = seed_users(organisations)
    created += new_users
    if Client.objects.filter(personal_identity_code=MARKER_CODE).exists():
        return created
    first_new_message = (
        OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    ) + 1
    created += requests.seed_requests(users)
    created += networks.seed_networks(users)
    created += coaching.seed_coaching(users, organisations)
    created += history.seed_history(users)
    created += past_networks.seed_past_networks(users)
    created += inbox.seed_inbox()
    # The world's history is not news: the services queued e-mails about it (answers,
    # invitations to meetings now in the past) to the fictional @demo.invalid addresses;
    # none of them is sent.
    OutboxMessage.objects.filter(
        pk__gte=first_new_message, recipient__endswith="@demo.invalid"
    ).delete()
    return created
