"""Pages: the access matrix with its access-log rows, the caseload warning, the forms'
bad input next to the field, the employer warnings and the fidelity pages."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from clients.models import AccessLog
from coaching import services
from coaching.models import EmployerContact, FidelityReview, JobStart, Referral
from coaching.tests.factories import EmployerContactFactory, ReferralFactory

pytestmark = pytest.mark.django_db

ALL = ["tuula", "ville", "kaisa", "alice", "nina", "olli", "eero", "ylva"]


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


@pytest.mark.parametrize(
    ("persona", "status", "full"),
    [
        ("tuula", 200, True),  # the coach
        ("ville", 404, None),  # another coach of the team: not his client
        ("kaisa", 200, True),  # a coordinator
        ("alice", 200, False),  # the referrer: the status only
        ("nina", 200, True),  # a network member: read-only
        ("olli", 404, None),
        ("eero", 404, None),
        ("ylva", 404, None),
    ],
)
def test_the_record_page_access_matrix(client, request, referral, network, persona, status, full):
    user = request.getfixturevalue(persona)
    before = AccessLog.objects.filter(user=user).count()
    response = _get(client, user, reverse("coaching:referral_detail", args=[referral.uuid]))
    assert response.status_code == status
    logged = AccessLog.objects.filter(user=user).count() - before
    if status == 200:
        assert response.context["full"] is full
        assert logged == 1
        row = AccessLog.objects.filter(user=user).first()
        assert row.client == referral.client
        assert row.action == "view"
        assert row.object_kind == "coaching_referral"
        assert b"status-only" in response.content or full
        can_write = response.context["can_write"]
        assert can_write is (persona in ("tuula", "kaisa"))
        if persona == "nina":
            assert b'id="record-actions"' not in response.content
    else:
        assert logged == 0


def test_the_log_basis_per_persona(client, referral, network, tuula, kaisa, alice, nina):
    url = reverse("coaching:referral_detail", args=[referral.uuid])
    for user, basis in ((tuula, "job_coaching"), (kaisa, "hub_role"), (alice, "consultation"),
                        (nina, "job_coaching_consent")):  # fmt: skip
        _get(client, user, url)
        assert AccessLog.objects.filter(user=user).first().basis == basis


def test_a_coach_of_the_team_sees_a_waiting_referral_and_takes_it(client, waiting, ville):
    response = _get(client, ville, reverse("coaching:caseload"))
    assert response.status_code == 200
    assert f'id="take-{waiting.uuid}"'.encode() in response.content
    response = client.post(reverse("coaching:take", args=[waiting.uuid]))
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.coach == ville
    assert waiting.status == Referral.Status.ACTIVE


def test_taking_from_another_team_is_404(client, waiting):
    from coaching.tests.factories import CoachFactory, TeamFactory

    stranger = CoachFactory(organization=TeamFactory(name="Toinen tiimi"))
    client.force_login(stranger)
    assert client.post(reverse("coaching:take", args=[waiting.uuid])).status_code == 404
    waiting.refresh_from_db()
    assert waiting.is_waiting


@pytest.mark.parametrize(
    ("persona", "status"),
    [("tuula", 200), ("kaisa", 200), ("alice", 404), ("nina", 404), ("olli", 404),
     ("eero", 404), ("ylva", 404)],
)  # fmt: skip
def test_the_caseload_page_access(client, request, referral, network, persona, status):
    user = request.getfixturevalue(persona)
    response = _get(client, user, reverse("coaching:caseload"))
    assert response.status_code == status
    if status == 200:
        assert referral in response.context["rows"]
        assert AccessLog.objects.filter(user=user, action="list", client=referral.client).exists()


def test_the_caseload_shows_days_since_referral_and_last_contact(client, referral, tuula, employer):
    referral.referred_on = timezone.localdate() - datetime.timedelta(days=12)
    referral.save()
    EmployerContactFactory(
        referral=referral, employer=employer,
        contacted_on=timezone.localdate() - datetime.timedelta(days=3),
    )  # fmt: skip
    response = _get(client, tuula, reverse("coaching:caseload"))
    row = response.context["rows"][0]
    assert row.days_since_referral == 12
    assert row.days_since_contact == 3


@pytest.mark.parametrize(("clients", "warned"), [(20, False), (21, True)])
def test_the_caseload_warning_over_twenty(client, tuula, clients, warned):
    for _ in range(clients):
        ReferralFactory(coach=tuula)
    response = _get(client, tuula, reverse("coaching:caseload"))
    assert response.context["caseload_count"] == clients
    assert (b'id="caseload-warning"' in response.content) is warned
    # The coordinator sees the same warning about tuula.
    from coordination.tests.factories import UserFactory

    coordinator = UserFactory(username="koord", role="coordinator")
    response = _get(client, coordinator, reverse("coaching:caseload"))
    assert (b'id="caseload-warning"' in response.content) is warned


# --- Forms -----------------------------------------------------------------------------


def test_a_job_start_form_refuses_a_date_before_the_referral(client, referral, tuula, employer):
    client.force_login(tuula)
    url = reverse("coaching:job_start_create", args=[referral.uuid])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "employer": employer.uuid,
            "started_on": (referral.referred_on - datetime.timedelta(days=1)).isoformat(),
            "hours_per_week": "20",
            "open_labour_market": "on",
        },
    )
    assert response.status_code == 400
    assert "started_on" in response.context["form"].errors
    assert not JobStart.objects.exists()


@pytest.mark.parametrize("hours", ["0", "-3"])
def test_a_job_start_form_refuses_hours_not_above_zero(client, referral, tuula, employer, hours):
    client.force_login(tuula)
    response = client.post(
        reverse("coaching:job_start_create", args=[referral.uuid]),
        {"employer": employer.uuid, "started_on": timezone.localdate().isoformat(),
         "hours_per_week": hours},
    )  # fmt: skip
    assert response.status_code == 400
    assert "hours_per_week" in response.context["form"].errors
    assert not JobStart.objects.exists()


def test_a_job_start_through_the_form_shows_the_turning_point(
    client, referral, tuula, employer, network
):
    client.force_login(tuula)
    response = client.post(
        reverse("coaching:job_start_create", args=[referral.uuid]),
        {"employer": employer.uuid, "started_on": timezone.localdate().isoformat(),
         "hours_per_week": "30", "open_labour_market": "on"},
        follow=True,
    )  # fmt: skip
    assert response.status_code == 200
    assert b'id="turning-point"' in response.content
    referral.refresh_from_db()
    assert referral.status == Referral.Status.FOLLOW_ALONG


def test_the_contact_form_refuses_a_client_not_in_the_caseload(client, referral, ville, employer):
    other = ReferralFactory(coach=ville)
    client.force_login(ville)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the assertion reads the English
    response = client.post(
        reverse("coaching:contact_create"),
        {"referral": referral.uuid, "employer": employer.uuid, "kind": "phone",
         "outcome": "no_vacancy", "contacted_on": timezone.localdate().isoformat()},
    )  # fmt: skip
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "not in your caseload" in errors["referral"][0]
    assert not EmployerContact.objects.exists()
    # ville's own client is fine.
    response = client.post(
        reverse("coaching:contact_create"),
        {"referral": other.uuid, "employer": employer.uuid, "kind": "phone",
         "outcome": "no_vacancy", "contacted_on": timezone.localdate().isoformat()},
    )  # fmt: skip
    assert response.status_code == 302
    assert EmployerContact.objects.get().referral == other


def test_the_contact_form_warns_about_a_recent_contact(client, referral, tuula, ville, employer):
    EmployerContactFactory(referral=ReferralFactory(coach=ville), employer=employer)
    client.force_login(tuula)
    response = client.get(
        reverse("coaching:contact_create") + f"?referral={referral.uuid}&employer={employer.uuid}"
    )
    assert response.status_code == 200
    assert b'id="recent-contact-warning"' in response.content
    assert b'id="employer-contact-form"' in response.content


def test_the_fidelity_form_refuses_a_missing_item(client, tuula, team):
    client.force_login(tuula)
    data = {"team": team.uuid, "reviewed_on": timezone.localdate().isoformat()}
    data.update({f"item_{n}": "4" for n in range(1, 25)})  # item 25 missing
    response = client.post(reverse("coaching:fidelity_create"), data)
    assert response.status_code == 400
    assert "item_25" in response.context["form"].errors
    data["item_25"] = "7"
    response = client.post(reverse("coaching:fidelity_create"), data)
    assert response.status_code == 400
    assert "item_25" in response.context["form"].errors
    assert not FidelityReview.objects.exists()
    data["item_25"] = "5"
    response = client.post(reverse("coaching:fidelity_create"), data)
    assert response.status_code == 302
    assert FidelityReview.objects.get().total == 24 * 4 + 5


def test_the_fidelity_trend(client, tuula, team, eero, alice):
    for days, value in ((200, 3), (100, 4)):
        services.save_fidelity_review(
            by=tuula, team=team,
            reviewed_on=timezone.localdate() - datetime.timedelta(days=days),
            scores=dict.fromkeys(range(1, 26), value),
        )  # fmt: skip
    response = _get(client, eero, reverse("coaching:fidelity_list"))
    assert response.status_code == 200
    team_block = response.context["teams"][0]
    assert [r.total for r in team_block["reviews"]] == [75, 100]
    assert team_block["reviews"][1].change == 25
    assert b"fidelity-chart" in response.content
    assert _get(client, alice, reverse("coaching:fidelity_list")).status_code == 404


# --- Employers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [("tuula", 200), ("kaisa", 200), ("alice", 404), ("nina", 404), ("olli", 404),
     ("eero", 404), ("ylva", 404)],
)  # fmt: skip
def test_employer_pages_access(client, request, employer, persona, status):
    user = request.getfixturevalue(persona)
    assert _get(client, user, reverse("coaching:employer_list")).status_code == status
    url = reverse("coaching:employer_detail", args=[employer.uuid])
    assert _get(client, user, url).status_code == status


def test_the_employer_page_shows_the_teams_history_and_the_week_warning(
    client, referral, tuula, ville, employer
):
    other = ReferralFactory(coach=ville)
    EmployerContactFactory(referral=other, employer=employer)
    response = _get(client, tuula, reverse("coaching:employer_detail", args=[employer.uuid]))
    assert response.status_code == 200
    assert b'id="recent-contact-warning"' in response.content
    history = response.context["history"]
    assert len(history) == 1
    assert history[0].coach == ville
    # Not tuula's client: the name is not shown, and nothing is logged for it.
    assert history[0].client_shown is False
    assert str(other.client).encode() not in response.content
    assert not AccessLog.objects.filter(user=tuula, client=other.client).exists()


def test_an_employer_contacted_8_days_ago_is_not_flagged(client, referral, tuula, employer):
    referral.referred_on = timezone.localdate() - datetime.timedelta(days=30)
    referral.save()
    EmployerContactFactory(
        referral=referral, employer=employer,
        contacted_on=timezone.localdate() - datetime.timedelta(days=7),
    )  # fmt: skip
    response = _get(client, tuula, reverse("coaching:employer_list"))
    assert response.context["employers"][0].contacted_recently is False
    response = _get(client, tuula, reverse("coaching:employer_detail", args=[employer.uuid]))
    assert b'id="recent-contact-warning"' not in response.content


def test_add_an_employer_and_a_contact_person(client, tuula):
    client.force_login(tuula)
    response = client.post(reverse("coaching:employer_list"), {"name": "Uusi Työnantaja Oy"})
    assert response.status_code == 302
    from coordination.models import Organization

    employer = Organization.objects.get(name="Uusi Työnantaja Oy")
    assert employer.kind == "employer"
    response = client.post(reverse("coaching:employer_list"), {"name": "uusi työnantaja oy"})
    assert response.status_code == 400
    assert "name" in response.context["form"].errors
    url = reverse("coaching:employer_detail", args=[employer.uuid])
    response = client.post(url, {"name": "Pekka Esimies", "email": "not-an-email"})
    assert response.status_code == 400
    response = client.post(url, {"name": "Pekka Esimies", "title": "myymäläpäällikkö"})
    assert response.status_code == 302
    assert employer.employer_contact_persons.get().name == "Pekka Esimies"


# --- Referring from the pages ----------------------------------------------------------


def test_refer_from_the_client_page(client, kaisa, client_, team, tuula):
    client.force_login(kaisa)
    page = client.get(reverse("clients:client_detail", args=[client_.uuid]))
    assert b'id="refer-to-coaching"' in page.content
    url = reverse("coaching:refer") + f"?client={client_.uuid}"
    assert client.get(url).status_code == 200
    response = client.post(url, {"team": team.uuid, "source": "coordinator"})
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.referred_by == kaisa
    assert referral.team == team
    # Twice: a clear message, nothing new.
    response = client.post(url, {"team": team.uuid, "source": "coordinator"})
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert Referral.objects.count() == 1


def test_refer_needs_access_to_the_client(client, olli, client_, tuula):
    client.force_login(olli)
    url = reverse("coaching:refer") + f"?client={client_.uuid}"
    assert client.get(url).status_code == 404
    assert client.post(url, {"team": tuula.organization.uuid, "source": "other"}).status_code == 404
    assert not Referral.objects.exists()


def test_job_coaches_keep_working_as_professionals(client, tuula):
    client.force_login(tuula)
    for name in ("consultation_create", "my_requests", "networks:my_networks",
                 "serviceplans:my_actions", "home"):  # fmt: skip
        assert client.get(reverse(name)).status_code == 200, name
    nav = [item["url"] for item in client.get(reverse("home")).context["nav_items"]]
    assert reverse("coaching:caseload") in nav


def test_the_week_warning_follows_the_chosen_employer(client, referral, tuula, ville, employer):
    url = reverse("coaching:employer_recent")
    client.force_login(tuula)
    assert client.get(url, {"employer": employer.uuid}).status_code == 404  # not htmx
    response = client.get(url, {"employer": employer.uuid}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert b"recent-contact-warning" not in response.content
    EmployerContactFactory(referral=ReferralFactory(coach=ville), employer=employer)
    response = client.get(url, {"employer": employer.uuid}, HTTP_HX_REQUEST="true")
    assert b'id="recent-contact-warning"' in response.content
    response = client.get(url, {"employer": "nonsense"}, HTTP_HX_REQUEST="true")
    assert b"recent-contact-warning" not in response.content
    client.force_login(ville.__class__.objects.get(username="alice"))
    assert client.get(url, {"employer": employer.uuid}, HTTP_HX_REQUEST="true").status_code == 404


def test_the_contact_form_logs_the_clients_it_offers(client, referral, tuula):
    client.force_login(tuula)
    assert client.get(reverse("coaching:contact_create")).status_code == 200
    assert AccessLog.objects.filter(
        user=tuula, client=referral.client, action="list", basis="job_coaching"
    ).exists()


def test_refer_from_an_ips_plan_action_and_from_a_consultation(
    client, kaisa, alice, client_, team, tuula
):
    from coordination.tests.factories import ConsultationFactory
    from networks import services as network_services
    from serviceplans import services as plan_services

    network = network_services.form_network(by=kaisa, client=client_)
    plan = plan_services.create_plan(network, by=kaisa)
    action = plan_services.add_action(
        plan, by=kaisa, description="Työhönvalmennus", service_type="ips_job_coaching",
        responsible_name="Työhönvalmentaja",
    )  # fmt: skip
    client.force_login(kaisa)
    page = client.get(reverse("serviceplans:plan_detail", args=[plan.uuid]))
    link = reverse("coaching:refer") + f"?plan_action={action.uuid}"
    assert link.encode() in page.content
    response = client.post(link, {"team": team.uuid, "source": "coordinator"})
    assert response.status_code == 302
    assert Referral.objects.get().plan_action == action

    consultation = ConsultationFactory(requester=alice, asked=["job_coaching"])
    page = client.get(reverse("consultation_detail", args=[consultation.uuid]))
    link = reverse("coaching:refer") + f"?consultation={consultation.uuid}"
    assert link.encode() in page.content
    assert client.get(link).status_code == 200
