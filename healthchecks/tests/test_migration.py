"""The health checks moved from the clients app to their own: a database with health
checks made before the move keeps every row, now in the healthchecks app's table."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def _migration(app_label: str, name_end: str) -> tuple[str, str]:
    """A migration by its name's end, whatever its number (migrations of parallel work are
    renumbered when merged)."""
    nodes = MigrationExecutor(connection).loader.graph.nodes
    (key,) = [key for key in nodes if key[0] == app_label and key[1].endswith(name_end)]
    return key


def _migrate(targets, state=None):
    """Migrate to `targets`; the models as they are at `state` (default: the targets)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(state or targets).apps


def _tables() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


@pytest.mark.django_db(transaction=True)
def test_health_checks_made_in_clients_survive_the_move():
    moved = _migration("clients", "health_check_to_healthchecks")
    (before,) = [
        parent.key
        for parent in MigrationExecutor(connection).loader.graph.node_map[moved].parents
        if parent.key[0] == "clients"
    ]
    after = _migration("healthchecks", "0001_initial")
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    # Back to the state before the move, where health checks are clients'; every other
    # app stays at its last migration (its tables have all their columns).
    others = [leaf for leaf in leaves if leaf[0] not in ("clients", "healthchecks")]
    apps = _migrate([before], state=[*others, before])
    assert "clients_healthcheck" in _tables()
    assert "healthchecks_healthcheck" not in _tables()
    Organization = apps.get_model("coordination", "Organization")
    User = apps.get_model("coordination", "User")
    Client = apps.get_model("clients", "Client")
    OldHealthCheck = apps.get_model("clients", "HealthCheck")
    org = Organization.objects.create(name="Sote", kind="health_centre")
    alice = User.objects.create(username="alice-hc", organization=org, role="professional")
    matti = Client.objects.create(
        first_name="Matti", last_name="Meikäläinen", date_of_birth=datetime.date(1980, 1, 1)
    )
    old = OldHealthCheck.objects.create(
        client=matti,
        offered_by=alice,
        offered_on=datetime.date(2026, 3, 1),
        status="done",
        done_on=datetime.date(2026, 3, 5),
        done_by_name="Terveydenhoitaja",
        notes="Verenpaine mitattu",
        lock_version=2,
    )

    try:
        apps = _migrate([after])
        assert "healthchecks_healthcheck" in _tables()
        assert "clients_healthcheck" not in _tables()
        HealthCheck = apps.get_model("healthchecks", "HealthCheck")
        check = HealthCheck.objects.get(pk=old.pk)
        assert check.uuid == old.uuid
        assert check.client_id == matti.pk
        assert (check.status, check.done_on, check.notes, check.lock_version) == (
            "done",
            datetime.date(2026, 3, 5),
            "Verenpaine mitattu",
            2,
        )
        # The constraints came along with the table: a done check still needs its date.
        with pytest.raises(Exception, match="health_check_done_has_date"):
            HealthCheck.objects.filter(pk=old.pk).update(done_on=None)
        # And new rows get the next id after the old ones.
        new = HealthCheck.objects.create(
            client_id=matti.pk, offered_by_id=alice.pk, offered_on=datetime.date(2026, 4, 1)
        )
        assert new.pk > old.pk
    finally:
        _migrate(leaves)
