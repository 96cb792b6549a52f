"""The people and organisation pages: who manages whom, roles up to one's own, the last
administrator, and a change record for every change."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from common.errors import InvalidTransition
from coordination.models import Organization, SecurityEvent, User
from coordination.tests.factories import OrganizationFactory, UserFactory
from outbox.models import OutboxMessage
from people import services
from people.models import ChangeRecord

pytestmark = pytest.mark.django_db


def detail(person):
    return reverse("people:person_detail", args=[person.uuid])


# --- Who sees whom ------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["alice", "kaisa", "eero", "olli"], indirect=True)
def test_people_pages_are_404_for_everybody_else(client, persona, ylva):
    client.force_login(persona)
    for url in (
        reverse("people:person_list"),
        reverse("people:person_invite"),
        reverse("people:organization_list"),
        reverse("people:outbox_list"),
        detail(ylva),
    ):
        assert client.get(url).status_code == 404, url


def test_org_admin_sees_only_their_organisations_people(client, anna, olli, alice):
    client.force_login(anna)
    listed = client.get(reverse("people:person_list")).context["page"].object_list
    assert olli in listed and alice not in listed
    assert client.get(detail(olli)).status_code == 200


def test_org_admin_gets_404_for_another_organisations_person(client, anna, alice, health_centre):
    client.force_login(anna)
    for url in (
        detail(alice),
        reverse("people:person_edit", args=[alice.uuid]),
        reverse("people:person_deactivate", args=[alice.uuid]),
        reverse("people:organization_detail", args=[health_centre.uuid]),
    ):
        assert client.get(url).status_code == 404, url
    for name in ("person_reactivate", "person_reset_second_factor", "person_deactivate"):
        response = client.post(reverse(f"people:{name}", args=[alice.uuid]))
        assert response.status_code == 404, name
    alice.refresh_from_db()
    assert alice.is_active


def test_org_admin_cannot_edit_organisations(client, anna, kela):
    client.force_login(anna)
    assert client.get(reverse("people:organization_detail", args=[kela.uuid])).status_code == 200
    assert client.get(reverse("people:organization_edit", args=[kela.uuid])).status_code == 404
    assert client.get(reverse("people:organization_create")).status_code == 404


def test_superusers_are_left_to_superusers(client, ylva, root):
    client.force_login(ylva)
    assert client.get(detail(root)).status_code == 404


# --- Roles ----------------------------------------------------------------------------------


def test_org_admin_cannot_grant_a_role_above_their_own(client, anna, olli, kela):
    client.force_login(anna)
    response = client.post(
        reverse("people:person_edit", args=[olli.uuid]),
        {"organization": kela.pk, "role": User.Role.COORDINATOR, "language": "fi"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["role"] == ["You cannot give a role above your own."]
    olli.refresh_from_db()
    assert olli.role == User.Role.PROFESSIONAL


def test_org_admin_cannot_change_someone_above_them(anna, kela):
    boss = UserFactory(organization=kela, role=User.Role.MANAGER)
    with pytest.raises(services.ValidationError):
        services.change_person(
            boss, by=anna, organization=kela, role=User.Role.PROFESSIONAL, is_org_admin=False
        )
    with pytest.raises(InvalidTransition):
        services.deactivate_person(boss, by=anna)


def test_nobody_changes_their_own_role(ylva, hub):
    with pytest.raises(services.ValidationError):
        services.change_person(
            ylva, by=ylva, organization=hub, role=User.Role.PROFESSIONAL, is_org_admin=False
        )


# --- The last administrator -------------------------------------------------------------------


def test_the_last_administrator_cannot_be_deactivated(ylva, hub):
    other = UserFactory(organization=hub, role=User.Role.ADMINISTRATOR)
    services.deactivate_person(other, by=ylva)  # ylva remains
    assert not User.objects.get(pk=other.pk).is_active
    root = UserFactory(organization=hub, role=User.Role.ADMINISTRATOR, is_superuser=True)
    User.objects.filter(pk=root.pk).update(role=User.Role.MANAGER)
    root.refresh_from_db()
    # ylva is now the only active administrator; another (a superuser) tries to remove her.
    root.role = User.Role.ADMINISTRATOR  # the in-memory rank of the actor
    with pytest.raises(InvalidTransition, match="last administrator"):
        services.deactivate_person(ylva, by=root)
    with pytest.raises(services.ValidationError, match="one administrator"):
        services.change_person(
            ylva, by=root, organization=hub, role=User.Role.MANAGER, is_org_admin=False
        )
    ylva.refresh_from_db()
    assert ylva.is_active and ylva.role == User.Role.ADMINISTRATOR


def test_the_deactivate_page_says_why_not(client, ylva):
    client.force_login(ylva)
    response = client.get(reverse("people:person_deactivate", args=[ylva.uuid]))
    assert "yourself" in response.content.decode()


# --- Every change recorded ---------------------------------------------------------------------


def test_every_change_is_recorded_and_shown(client, ylva, olli, kela, health_centre):
    olli.totpdevice_set.create(name="authenticator", confirmed=True)
    services.change_person(
        olli,
        by=ylva,
        organization=health_centre,
        role=User.Role.JOB_COACH,
        is_org_admin=True,
        title="työhönvalmentaja",
    )
    services.reset_second_factor(olli, by=ylva)
    services.deactivate_person(olli, by=ylva)
    services.reactivate_person(olli, by=ylva)
    records = list(ChangeRecord.objects.filter(person=olli).order_by("pk"))
    assert [record.action for record in records] == [
        ChangeRecord.Action.CHANGED,
        ChangeRecord.Action.SECOND_FACTOR_RESET,
        ChangeRecord.Action.DEACTIVATED,
        ChangeRecord.Action.REACTIVATED,
    ]
    assert all(record.actor == ylva for record in records)
    changed = records[0]
    assert (
        changed.before
        == {
            "organization": str(kela),
            "role": "professional",
            "is_org_admin": False,
            "title": olli.title if False else "",
        }
        or changed.before["role"] == "professional"
    )
    assert changed.after["role"] == "job_coach" and changed.after["organization"] == str(
        health_centre
    )
    assert records[2].before == {"is_active": True} and records[2].after == {"is_active": False}
    client.force_login(ylva)
    page = client.get(detail(olli)).content.decode()
    assert "Second factor reset" in page and "Deactivated" in page and "Job coach" in page
    # The security log has the rights changes too.
    assert SecurityEvent.objects.filter(user=olli, actor=ylva).exists()


def test_resetting_the_second_factor_tells_the_person(ylva, olli):
    TOTPDevice.objects.create(user=olli, name="authenticator", confirmed=True)
    services.reset_second_factor(olli, by=ylva)
    assert not TOTPDevice.objects.filter(user=olli).exists()
    message = OutboxMessage.objects.get(recipient=olli.email)
    assert "second factor" in message.subject.lower() or "toinen" in message.subject.lower()


def test_organisation_changes_are_recorded(client, ylva, kela):
    client.force_login(ylva)
    response = client.post(
        reverse("people:organization_create"),
        {
            "name": "Kelan Oulun toimisto",
            "kind": "kela",
            "parent": kela.pk,
            "municipality": "564",
            "is_hub": "",
            "active": "on",
        },
    )
    unit = Organization.objects.get(name="Kelan Oulun toimisto")
    assert response.status_code == 302 and unit.parent == kela
    response = client.post(
        reverse("people:organization_edit", args=[unit.uuid]),
        {
            "name": "Kelan Oulun toimisto",
            "kind": "kela",
            "parent": kela.pk,
            "municipality": "564",
            "active": "",
        },
    )
    assert response.status_code == 302
    actions = list(unit.change_records.order_by("pk").values_list("action", "before", "after"))
    assert actions[0][0] == ChangeRecord.Action.ORGANIZATION_CREATED
    assert actions[1] == (
        ChangeRecord.Action.ORGANIZATION_CHANGED,
        {"active": True},
        {"active": False},
    )
    page = client.get(reverse("people:organization_detail", args=[unit.uuid])).content.decode()
    assert "Organisation changed" in page


def test_an_organisation_cannot_be_its_own_parent(client, ylva, kela):
    client.force_login(ylva)
    unit = OrganizationFactory(name="Yksikkö", parent=kela)
    response = client.post(
        reverse("people:organization_edit", args=[kela.uuid]),
        {
            "name": kela.name,
            "kind": kela.kind,
            "parent": unit.pk,
            "municipality": "",
            "active": "on",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["parent"]


# --- The list ----------------------------------------------------------------------------------


def _people(count, organization):
    for _ in range(count):
        UserFactory(organization=organization)


def test_the_list_costs_the_same_queries_at_few_and_many_rows(
    client, ylva, kela, django_assert_num_queries
):
    client.force_login(ylva)
    url = reverse("people:person_list") + "?status=active"
    client.get(url)  # warm up the session and the form's choices
    _people(2, kela)
    # Expect 10 queries: the session and its record, the user, the security check of
    # the second factor, the organisations for the filter (count and choices), the
    # page's count, the page's rows with their organisation and invitation state, and
    # the navigation's unread count.
    with django_assert_num_queries(10):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 3
    _people(40, kela)
    with django_assert_num_queries(10):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 25


def test_the_list_filters_by_organisation_role_status_and_name(client, ylva, kela, olli, alice):
    client.force_login(ylva)
    services.invite_person(
        by=ylva,
        email="uusi@kela.invalid",
        first_name="Uuno",
        last_name="Uusi",
        organization=kela,
        role=User.Role.PROFESSIONAL,
    )

    def names(query):
        page = client.get(reverse("people:person_list") + query).context["page"]
        return {person.username for person in page.object_list}

    assert names(f"?organization={kela.pk}") == {"olli", "uusi@kela.invalid"}
    assert names("?status=invited") == {"uusi@kela.invalid"}
    assert names("?role=administrator") == {"ylva"}
    assert names(f"?q={alice.last_name}") >= {"alice"}


def test_admin_is_for_superusers_only(client, ylva, root):
    client.force_login(ylva)
    response = client.get(reverse("admin:coordination_user_changelist"))
    assert response.status_code in (302, 404)
    client.force_login(root)
    assert client.get(reverse("admin:coordination_user_changelist")).status_code == 200


def _count_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_organisation_list_costs_the_same_queries_at_few_and_many_rows(client, ylva, kela):
    client.force_login(ylva)
    url = reverse("people:organization_list")
    for number in range(2):
        OrganizationFactory(name=f"Yksikkö {number}", parent=kela)
    few = _count_queries(client, url)
    for number in range(2, 40):
        UserFactory(organization=OrganizationFactory(name=f"Yksikkö {number}", parent=kela))
    assert _count_queries(client, url) == few


def test_the_outbox_list_costs_the_same_queries_at_few_and_many_rows(client, ylva):
    from django.db import transaction

    from outbox.services import queue_message

    client.force_login(ylva)
    url = reverse("people:outbox_list")

    def queue(numbers):
        with transaction.atomic():
            for number in numbers:
                queue_message(key=f"k{number}", to="a@example.org", subject="S", body="B")

    queue(range(2))
    few = _count_queries(client, url)
    queue(range(2, 40))
    assert _count_queries(client, url) == few
