"""The user admin, a superusers' tool: nobody changes their own role or rights; every
change of role, organisation, rights or activity lands in the security log, which nobody
edits. Administrators manage people on the service's own pages (people/tests)."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.forms import MultiWidget
from django.urls import reverse

from coordination.models import SecurityEvent, User
from coordination.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

RIGHTS_FIELDS = ["is_superuser", "is_staff", "groups", "user_permissions"]


@pytest.fixture
def root(hub):
    return UserFactory(
        username="root",
        organization=hub,
        is_staff=True,
        is_superuser=True,
        role=User.Role.ADMINISTRATOR,
    )


@pytest.fixture
def helpdesk():
    return Group.objects.create(name="helpdesk")


def change_url(user):
    return reverse("admin:coordination_user_change", args=[user.pk])


def form_data(client, user):
    """What the change form would send unchanged, read from the form the page shows."""
    response = client.get(change_url(user))
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        if isinstance(field.widget, MultiWidget):
            for index, part in enumerate(field.widget.decompress(value)):
                data[f"{name}_{index}"] = "" if part is None else str(part)
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(item) for item in value]
        else:
            data[name] = "" if value is None else str(value)
    # The inlines (a superuser sees the external identities), unchanged.
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
    return data


def rights(user):
    user.refresh_from_db()
    return (
        user.role,
        user.is_staff,
        user.is_superuser,
        user.is_active,
        set(user.groups.all()),
        set(user.user_permissions.all()),
    )


def crafted(data, helpdesk, **changes):
    return {
        **data,
        "role": User.Role.COORDINATOR,
        "is_superuser": "on",
        "is_staff": "on",
        "groups": [str(helpdesk.pk)],
        "user_permissions": [str(pk) for pk in Permission.objects.values_list("pk", flat=True)],
        **changes,
    }


def test_deactivating_and_moving_a_user_is_recorded(client, root, alice, kela):
    client.force_login(root)
    data = form_data(client, alice)
    data.pop("is_active")
    data["organization"] = str(kela.pk)
    assert client.post(change_url(alice), data).status_code == 302
    event = SecurityEvent.objects.get()
    assert event.details == {
        "is_active": [True, False],
        "organization": [str(alice.organization), str(kela)],
    }


def test_saving_without_changes_records_nothing(client, root, alice):
    client.force_login(root)
    assert client.post(change_url(alice), form_data(client, alice)).status_code == 302
    assert not SecurityEvent.objects.exists()


def test_superuser_grants_staff_to_another(client, root, alice, helpdesk):
    client.force_login(root)
    data = form_data(client, alice)
    data.update(is_staff="on", groups=[str(helpdesk.pk)])
    assert client.post(change_url(alice), data).status_code == 302
    alice.refresh_from_db()
    assert alice.is_staff and list(alice.groups.all()) == [helpdesk]
    event = SecurityEvent.objects.get()
    assert (event.user, event.actor) == (alice, root)
    assert event.details == {"is_staff": [False, True], "groups": [[], ["helpdesk"]]}


def test_superuser_cannot_change_own_rights(client, root, helpdesk):
    client.force_login(root)
    html = client.get(change_url(root)).content.decode()
    for name in [*RIGHTS_FIELDS, "role", "is_active"]:
        assert f'name="{name}"' not in html, name
    before = rights(root)
    data = crafted(form_data(client, root), helpdesk)
    data.pop("is_superuser")
    data.pop("is_staff")
    assert client.post(change_url(root), data).status_code == 302
    assert rights(root) == before


def test_password_change_in_the_admin_is_recorded(client, root, alice):
    client.force_login(root)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[alice.pk]),
        {
            "usable_password": "true",
            "password1": "Pitka-ja-hyva-salasana-42",
            "password2": "Pitka-ja-hyva-salasana-42",
        },
    )
    assert response.status_code == 302
    event = SecurityEvent.objects.get()
    assert (event.kind, event.user, event.actor) == (
        SecurityEvent.Kind.PASSWORD_CHANGED,
        alice,
        root,
    )


def test_group_admin_is_for_superusers_only(client, ylva, root, helpdesk):
    # Even with the group permissions, an administrator gets no further.
    ylva.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="auth", codename__endswith="_group")
    )
    client.force_login(ylva)
    for url in (
        reverse("admin:auth_group_changelist"),
        reverse("admin:auth_group_add"),
        reverse("admin:auth_group_change", args=[helpdesk.pk]),
        reverse("admin:index"),
    ):
        assert client.get(url).status_code in (302, 404), url
    client.force_login(root)
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 200


def test_security_log_is_read_only_for_everyone(client, ylva, root, alice):
    event = SecurityEvent.objects.create(
        kind=SecurityEvent.Kind.USER_CHANGED, user=alice, actor=ylva, details={"role": ["a", "b"]}
    )
    for person in (root,):
        client.force_login(person)
        changelist = reverse("admin:coordination_securityevent_changelist")
        assert client.get(changelist).status_code == 200
        for query in (
            "?kind=user_changed",
            f"?user__id__exact={alice.pk}",
            f"?at__year={event.at.year}",
        ):
            response = client.get(changelist + query)
            assert response.status_code == 200
            assert response.context["cl"].result_count == 1, query
        assert client.get(reverse("admin:coordination_securityevent_add")).status_code == 403
        change = reverse("admin:coordination_securityevent_change", args=[event.pk])
        assert client.get(change).status_code == 200
        assert client.post(change, {"kind": "password", "details": "{}"}).status_code == 403
        delete = reverse("admin:coordination_securityevent_delete", args=[event.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
    event.refresh_from_db()
    assert event.kind == SecurityEvent.Kind.USER_CHANGED


def test_non_staff_do_not_see_the_security_log(client, alice):
    client.force_login(alice)
    response = client.get(reverse("admin:coordination_securityevent_changelist"))
    assert response.status_code == 302


def test_user_page_shows_the_users_recent_security_events(client, root, alice):
    SecurityEvent.objects.create(kind=SecurityEvent.Kind.PASSWORD_CHANGED, user=alice, actor=root)
    client.force_login(root)
    html = client.get(change_url(alice)).content.decode()
    assert "Salasana vaihdettu" in html or "Password changed" in html
    link = reverse("admin:coordination_securityevent_changelist") + f"?user__id__exact={alice.pk}"
    assert link in html.replace("&amp;", "&")


def test_the_security_log_asks_the_same_queries_for_few_and_many(client, root, alice):
    """The admin's list joins each event's user and actor: no query per row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from coordination.security import record_security_event

    client.force_login(root)
    url = reverse("admin:coordination_securityevent_changelist")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    for _ in range(2):
        record_security_event(SecurityEvent.Kind.USER_CHANGED, user=alice, actor=root)
    few = queries()
    for _ in range(40):
        record_security_event(SecurityEvent.Kind.USER_CHANGED, user=alice, actor=root)
    assert queries() == few


def test_a_staff_administrator_no_longer_reaches_the_admin(client, ylva, alice):
    """Administrators manage people on the service's own pages (people/); the admin is
    the superusers'. A staff flag and model permissions open nothing there."""
    ylva.is_staff = True
    ylva.save(update_fields=["is_staff"])
    ylva.user_permissions.set(Permission.objects.filter(content_type__app_label="coordination"))
    client.force_login(ylva)
    for url in (
        reverse("admin:index"),
        reverse("admin:coordination_user_changelist"),
        change_url(alice),
        reverse("admin:coordination_securityevent_changelist"),
        reverse("admin:outbox_outboxmessage_changelist"),
    ):
        assert client.get(url).status_code in (302, 404), url
    assert client.get(reverse("people:person_detail", args=[alice.uuid])).status_code == 200
