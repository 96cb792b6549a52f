"""Failed deliveries end where administrators can see them and send them again: the
administrator role is given the outbox's view and change permissions, nobody else is."""

import pytest
from django.db import transaction
from django.urls import reverse

from outbox import services
from outbox.models import OutboxMessage


@pytest.fixture
def failed_message():
    with transaction.atomic():
        services.queue_message(
            key="admin-1", to="anna@example.org", subject="Kokous", body="Teksti"
        )
    message = OutboxMessage.objects.get(dedupe_key="admin-1")
    OutboxMessage.objects.filter(pk=message.pk).update(
        state=OutboxMessage.State.FAILED, attempts=8, last_error="SMTP 550"
    )
    return message


@pytest.mark.django_db
def test_the_administrator_sees_failed_messages_and_can_retry_them(client, ylva, failed_message):
    client.force_login(ylva)
    changelist = reverse("admin:outbox_outboxmessage_changelist")
    response = client.get(changelist, {"state__exact": OutboxMessage.State.FAILED})
    assert response.status_code == 200
    assert "anna@example.org" in response.content.decode()

    response = client.post(
        changelist,
        {"action": "retry", "_selected_action": [failed_message.pk]},
    )
    assert response.status_code == 302
    failed_message.refresh_from_db()
    assert failed_message.state == OutboxMessage.State.QUEUED


@pytest.mark.django_db
def test_a_coordinator_does_not_reach_the_outbox(client, kaisa, failed_message):
    client.force_login(kaisa)
    response = client.get(reverse("admin:outbox_outboxmessage_changelist"))
    assert response.status_code in {302, 403, 404}
    assert b"anna@example.org" not in response.content


@pytest.mark.django_db
def test_the_administrator_does_not_read_the_texts_of_e_mails(client, ylva, failed_message):
    """A body may carry a one-time link; the admin shows who, what about and why it failed."""
    OutboxMessage.objects.filter(pk=failed_message.pk).update(
        body="https://tyokyky.example/account/password/reset/MQ/secret-token/"
    )
    client.force_login(ylva)
    response = client.get(reverse("admin:outbox_outboxmessage_change", args=[failed_message.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "SMTP 550" in page and "anna@example.org" in page
    assert "secret-token" not in page
