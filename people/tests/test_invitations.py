"""An invitation is a one-time link, stored hashed, that expires; its e-mail goes through
the outbox in the transaction that makes the invitation."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from coordination.models import User
from outbox.models import OutboxMessage
from people import services
from people.models import ChangeRecord, Invitation, hash_token

pytestmark = pytest.mark.django_db

STRONG = "Kesäinen-Koivikko-42"


def invite(by, organization, role=User.Role.PROFESSIONAL, email="liisa@kela.invalid"):
    return services.invite_person(
        by=by,
        email=email,
        first_name="Liisa",
        last_name="Laine",
        organization=organization,
        role=role,
    )


def says_unusable(response) -> bool:
    # As Django's password reset: the page says the link no longer works (200).
    return response.status_code == 200 and "people/invitation_unusable.html" in [
        template.name for template in response.templates
    ]


def link_from_outbox(email: str) -> str:
    body = OutboxMessage.objects.get(recipient=email, subject__icontains="Työkyky").body
    found = re.search(r"https?://\S+/invitation/\S+/", body)
    assert found is not None
    return found.group(0)


def test_invitation_makes_an_inactive_account_and_an_email_with_the_link(ylva, kela):
    invitation, token = invite(ylva, kela)
    user = invitation.user
    assert (user.is_active, user.has_usable_password(), user.organization) == (False, False, kela)
    # Only the hash is kept.
    assert invitation.token_hash == hash_token(token) and token not in invitation.token_hash
    link = link_from_outbox("liisa@kela.invalid")
    assert link.endswith(reverse("people:invitation_open", args=[token]))
    assert ChangeRecord.objects.get(person=user).action == ChangeRecord.Action.INVITED


def test_the_link_sets_the_password_logs_in_and_lands_on_the_home_page(client, ylva, kela):
    _invitation, token = invite(ylva, kela)
    response = client.get(reverse("people:invitation_open", args=[token]))
    # The token leaves the address before the form is shown.
    assert response.status_code == 302 and token not in response["Location"]
    response = client.post(response["Location"], {"new_password1": STRONG, "new_password2": STRONG})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    user = User.objects.get(email="liisa@kela.invalid")
    assert user.is_active and user.check_password(STRONG)
    assert client.get(reverse("home")).context["user"] == user


def test_a_common_password_is_refused_next_to_the_field(client, ylva, kela):
    _invitation, token = invite(ylva, kela)
    accept = client.get(reverse("people:invitation_open", args=[token]))["Location"]
    response = client.post(accept, {"new_password1": "password123", "new_password2": "password123"})
    assert response.status_code == 400
    assert response.context["form"].errors["new_password2"]
    assert not User.objects.get(email="liisa@kela.invalid").is_active


def test_the_link_works_once(client, ylva, kela):
    _invitation, token = invite(ylva, kela)
    services.accept_invitation(token, password=STRONG)
    response = client.get(reverse("people:invitation_open", args=[token]))
    assert says_unusable(response)
    assert "no longer works" in response.content.decode()
    with pytest.raises(services.InvitationUnusable):
        services.accept_invitation(token, password="Toinen-Salasana-99")
    assert User.objects.get(email="liisa@kela.invalid").check_password(STRONG)


def test_the_link_expires_after_seven_days(client, ylva, kela):
    _invitation, token = invite(ylva, kela)
    later = timezone.now() + datetime.timedelta(days=services.INVITATION_DAYS, minutes=1)
    with time_machine.travel(later):
        assert says_unusable(client.get(reverse("people:invitation_open", args=[token])))
        with pytest.raises(services.InvitationUnusable):
            services.accept_invitation(token, password=STRONG)


def test_an_unknown_token_gets_the_same_plain_page(client):
    assert says_unusable(client.get(reverse("people:invitation_open", args=["x" * 43])))
    assert says_unusable(client.get(reverse("people:invitation_accept")))


def test_a_new_invitation_withdraws_the_old_link(ylva, kela):
    invitation, old = invite(ylva, kela)
    services.resend_invitation(invitation.user, by=ylva)
    with pytest.raises(services.InvitationUnusable):
        services.usable_invitation(old)
    assert Invitation.objects.pending().filter(user=invitation.user).count() == 1


def test_an_invitation_to_a_role_above_the_inviters_is_a_field_error(client, anna, kela):
    client.force_login(anna)
    response = client.post(
        reverse("people:person_invite"),
        {
            "email": "pomo@kela.invalid",
            "first_name": "Pomo",
            "last_name": "Pomonen",
            "organization": kela.pk,
            "role": User.Role.ADMINISTRATOR,
            "language": "fi",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["role"] == ["You cannot give a role above your own."]
    assert not User.objects.filter(email="pomo@kela.invalid").exists()
    with pytest.raises(services.ValidationError) as refused:
        invite(anna, kela, role=User.Role.COORDINATOR)
    assert "role" in refused.value.message_dict


def test_an_org_admin_invites_only_to_their_own_organisation(anna, health_centre):
    with pytest.raises(services.ValidationError) as refused:
        invite(anna, health_centre)
    assert "organization" in refused.value.message_dict


def test_an_address_already_in_use_is_refused(ylva, kela, alice):
    with pytest.raises(services.ValidationError) as refused:
        invite(ylva, kela, email=alice.email.upper())
    assert "email" in refused.value.message_dict


def test_the_invite_page_sends_the_invitation(client, ylva, kela):
    client.force_login(ylva)
    response = client.post(
        reverse("people:person_invite"),
        {
            "email": "Liisa@Kela.invalid",
            "first_name": "Liisa",
            "last_name": "Laine",
            "organization": kela.pk,
            "role": User.Role.PROFESSIONAL,
            "title": "etuuskäsittelijä",
            "language": "sv",
        },
    )
    user = User.objects.get(email="liisa@kela.invalid")
    assert response.status_code == 302
    assert response["Location"] == reverse("people:person_detail", args=[user.uuid])
    message = OutboxMessage.objects.get(recipient="liisa@kela.invalid")
    assert message.language == "sv"


def test_a_coordinator_sets_up_her_second_factor_next(client, ylva, hub, settings):
    settings.TWO_FACTOR_REQUIRED = True
    _invitation, token = invite(ylva, hub, role=User.Role.COORDINATOR)
    accept = client.get(reverse("people:invitation_open", args=[token]))["Location"]
    response = client.post(accept, {"new_password1": STRONG, "new_password2": STRONG}, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("two_factor_setup"))


def test_her_pages_open_in_the_language_of_the_invitation(client, ylva, kela, settings):
    _invitation, token = services.invite_person(
        by=ylva,
        email="sara@kela.invalid",
        first_name="Sara",
        last_name="Svensson",
        organization=kela,
        role=User.Role.PROFESSIONAL,
        language="sv",
    )
    accept = client.get(reverse("people:invitation_open", args=[token]))["Location"]
    response = client.post(accept, {"new_password1": STRONG, "new_password2": STRONG})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "sv"
