import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation

from clients import services
from clients.models import AccessLog, AccessLogIsAppendOnly, Client, Consent
from clients.tests.factories import ClientFactory, ConsentFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("code", "born"),
    [
        ("131052-308T", datetime.date(1952, 10, 13)),
        ("131052y308t", datetime.date(1952, 10, 13)),  # 2023 sign, lower case
        ("131052X308T", datetime.date(1952, 10, 13)),
        ("131052W308T", datetime.date(1952, 10, 13)),
        ("131052V308T", datetime.date(1952, 10, 13)),
        ("131052U308T", datetime.date(1952, 10, 13)),
        ("010105A1234", None),  # computed below
    ],
)
def test_valid_identity_codes_are_normalised_and_give_the_birth_date(alice, code, born):
    if born is None:
        digits = "010105123"
        code = f"010105A123{'0123456789ABCDEFHJKLMNPRSTUVWXY'[int(digits) % 31]}"
        born = datetime.date(2005, 1, 1)
    client = services.create_client(
        by=alice, first_name="Matti", last_name="Meikäläinen", personal_identity_code=code
    )
    assert client.personal_identity_code == code.upper()
    assert client.date_of_birth == born


@pytest.mark.parametrize("sign", list("BCDEF"))
def test_2023_century_signs_of_the_2000s_are_accepted(alice, sign):
    digits = "150310234"
    check = "0123456789ABCDEFHJKLMNPRSTUVWXY"[int(digits) % 31]
    client = services.create_client(
        by=alice, first_name="A", last_name="B", personal_identity_code=f"150310{sign}234{check}"
    )
    assert client.date_of_birth == datetime.date(2010, 3, 15)


@pytest.mark.parametrize(
    ("code", "error_code"),
    [
        ("131052-308U", "checksum"),  # wrong check character
        ("131052Z308T", "invalid"),  # no such century sign
        ("311352-308T", "invalid"),  # no 13th month
        ("131052-308", "invalid"),  # too short
        ("not a code", "invalid"),
    ],
)
def test_invalid_identity_codes_are_refused_at_the_field(alice, code, error_code):
    with pytest.raises(ValidationError) as raised:
        services.create_client(by=alice, first_name="A", last_name="B", personal_identity_code=code)
    assert "personal_identity_code" in raised.value.message_dict
    assert code.upper() not in str(raised.value)  # the message never repeats the code
    assert not Client.objects.exists()


def test_identity_code_is_unique(alice):
    ClientFactory(personal_identity_code="131052-308T")
    with pytest.raises(ValidationError) as raised:
        services.create_client(
            by=alice, first_name="A", last_name="B", personal_identity_code="131052-308t"
        )
    assert "personal_identity_code" in raised.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Client.objects.create(first_name="A", last_name="B", personal_identity_code="131052-308T")


def test_many_clients_without_a_code_are_allowed(alice):
    for _ in range(2):
        services.create_client(
            by=alice, first_name="A", last_name="B", date_of_birth=datetime.date(1990, 1, 1)
        )
    assert Client.objects.filter(personal_identity_code__isnull=True).count() == 2


def test_without_a_code_the_birth_date_is_required(alice):
    with pytest.raises(ValidationError) as raised:
        services.create_client(by=alice, first_name="A", last_name="B")
    assert "date_of_birth" in raised.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Client.objects.create(first_name="A", last_name="B")


@time_machine.travel("2026-11-23 12:00 +02:00")
def test_future_birth_date_is_refused(alice):
    with pytest.raises(ValidationError) as raised:
        services.create_client(
            by=alice, first_name="A", last_name="B", date_of_birth=datetime.date(2026, 11, 24)
        )
    assert "date_of_birth" in raised.value.message_dict


def test_masked_code_and_str_show_no_full_code():
    client = ClientFactory(personal_identity_code="131052-308T", first_name="M", last_name="K")
    assert client.masked_identity_code == "131052-***T"
    assert "308" not in str(client) and "308" not in repr(client)


def test_consent_validity(alice):
    consent = ConsentFactory(recorded_by=alice)
    assert consent.is_valid
    assert Consent.objects.valid().filter(pk=consent.pk).exists()
    services.withdraw_consent(
        consent, by=alice, withdrawn_on=timezone.localdate(), channel="phone", reported_by="client"
    )
    consent.refresh_from_db()
    assert not consent.is_valid
    assert not Consent.objects.valid().filter(pk=consent.pk).exists()
    withdrawn_at = consent.withdrawn_at
    services.withdraw_consent(
        consent, by=alice, withdrawn_on=timezone.localdate(), channel="phone", reported_by="client"
    )  # a second click changes nothing
    consent.refresh_from_db()
    assert consent.withdrawn_at == withdrawn_at


@time_machine.travel("2026-11-23 12:00 +02:00", tick=False)
def test_expired_consent_is_not_valid(alice):
    consent = ConsentFactory(recorded_by=alice, valid_until=datetime.date(2026, 11, 22))
    assert not consent.is_valid
    assert not Consent.objects.valid().filter(pk=consent.pk).exists()


def test_access_log_is_append_only(alice):
    row = AccessLog.objects.create(
        user=alice, client=ClientFactory(), action="view", basis="consultation"
    )
    row.action = "list"
    with pytest.raises(AccessLogIsAppendOnly):
        row.save()
    with pytest.raises(AccessLogIsAppendOnly):
        row.delete()
    with pytest.raises(AccessLogIsAppendOnly):
        AccessLog.objects.filter(pk=row.pk).update(action="list")
    with pytest.raises(AccessLogIsAppendOnly):
        AccessLog.objects.all().delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_database_refuses_to_change_the_access_log(alice):
    row = AccessLog.objects.create(
        user=alice, client=ClientFactory(), action="view", basis="consultation"
    )
    statements = [
        "UPDATE clients_accesslog SET action = 'list' WHERE id = %s",
        "DELETE FROM clients_accesslog WHERE id = %s",
    ]
    for statement in statements:
        with (
            pytest.raises(Exception, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [row.pk])


TEMPORARY_CODE = "131052-900W"  # individual number 900–999: a temporary code


def test_temporary_identity_codes_are_refused_with_their_own_message(alice, settings):
    settings.ACCEPT_TEMPORARY_IDENTITY_CODES = False
    with pytest.raises(ValidationError) as raised:
        services.create_client(
            by=alice, first_name="A", last_name="B", personal_identity_code=TEMPORARY_CODE
        )
    with translation.override("en"):
        (message,) = raised.value.message_dict["personal_identity_code"]
    assert "Temporary personal identity codes" in message
    assert TEMPORARY_CODE not in message


def test_temporary_identity_codes_are_accepted_where_the_county_asks(alice, settings):
    settings.ACCEPT_TEMPORARY_IDENTITY_CODES = True
    client = services.create_client(
        by=alice, first_name="A", last_name="B", personal_identity_code=TEMPORARY_CODE.lower()
    )
    assert client.personal_identity_code == TEMPORARY_CODE
    assert client.date_of_birth == datetime.date(1952, 10, 13)


def test_temporary_code_through_the_api_and_the_request_form(client, kaisa, alice, settings):
    settings.ACCEPT_TEMPORARY_IDENTITY_CODES = False
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(kaisa)
    body = {"first_name": "A", "last_name": "B", "personal_identity_code": TEMPORARY_CODE}
    response = client.post("/api/v1/clients/", body, content_type="application/json")
    assert response.status_code == 400
    assert "Temporary" in response.json()["personal_identity_code"][0]
    client.force_login(alice)
    from django.urls import reverse

    page = client.post(
        reverse("consultation_create"),
        {"kind": "identified", "client-personal_identity_code": TEMPORARY_CODE},
    )
    errors = page.context["client_form"].errors["personal_identity_code"]
    assert "Temporary" in errors[0]
    settings.ACCEPT_TEMPORARY_IDENTITY_CODES = True
    client.force_login(kaisa)
    response = client.post("/api/v1/clients/", body, content_type="application/json")
    assert response.status_code == 201, response.json()
