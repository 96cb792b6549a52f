"""Failed deliveries end where administrators can see them and send them again: the
outgoing e-mail page of the people pages (people/outbox/); nobody else reaches it."""

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
    page = reverse("people:outbox_list")
    response = client.get(page)
    assert response.status_code == 200
    assert "anna@example.org" in response.content.decode()

    response = client.post(page)
    assert response.status_code == 302
    failed_message.refresh_from_db()
    assert failed_message.state == OutboxMessage.State.QUEUED


@pytest.mark.django_db
def test_a_coordinator_does_not_reach_the_outbox(client, kaisa, failed_message):
    client.force_login(kaisa)
    for url in (reverse("admin:outbox_outboxmessage_changelist"), reverse("people:outbox_list")):
        response = client.get(url)
        assert response.status_code in {302, 403, 404}
    assert b"anna@example.org" not in response.content


@pytest.mark.django_db
def test_the_administrator_does_not_read_the_texts_of_e_mails(client, ylva, failed_message):
    """A body may carry a one-time link; the admin shows who, what about and why it failed."""
    OutboxMessage.objects.filter(pk=failed_message.pk).update(
        body="https://tyokyky.example/account/password/reset/MQ/secret-token/"
    )
    client.force_login(ylva)
    response = client.get(reverse("people:outbox_list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "SMTP 550" in page and "anna@example.org" in page
    assert "secret-token" not in page
