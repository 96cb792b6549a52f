"""The migration that keeps what requesters sent on their requests: existing requests get
the snapshot from the client record only where the requester made that record."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def _targets():
    """The migration by its name's end and the one before it, whatever their numbers
    (migrations of parallel work are renumbered when merged)."""
    executor = MigrationExecutor(connection)
    nodes = executor.loader.graph.nodes
    (after,) = [
        key for key in nodes if key[0] == "coordination" and key[1].endswith("client_as_sent")
    ]
    # Every migration it depends on, of any app: the clients table must have the columns
    # its later migrations added, or the historical model would insert without them.
    before = [parent.key for parent in executor.loader.graph.node_map[after].parents]
    return before, [after]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def _back_at_the_last_migrations():
    """Migrating back to the parents unapplies the later migrations of their apps (clients'
    move of the health checks renames a table); the tests after this one, and the flush
    that ends it, need every table as the models say."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_back_at_the_last_migrations")
def test_existing_requests_get_the_snapshot_of_their_own_client_only():
    BEFORE, AFTER = _targets()
    apps = _migrate(BEFORE)
    Organization = apps.get_model("coordination", "Organization")
    User = apps.get_model("coordination", "User")
    Client = apps.get_model("clients", "Client")
    Consent = apps.get_model("clients", "Consent")
    Request = apps.get_model("coordination", "ConsultationRequest")
    org = Organization.objects.create(name="Sote", kind="health_centre")
    alice = User.objects.create(username="alice-m", organization=org, role="professional")
    olli = User.objects.create(username="olli-m", organization=org, role="professional")
    matti = Client.objects.create(
        first_name="Matti", last_name="Meikäläinen", personal_identity_code="131052-308T",
        municipality="244", created_by=alice,
    )  # fmt: skip

    def request(by):
        consent = Consent.objects.create(
            client=matti, scope="consultation", method="written", recorded_by=by
        )
        return Request.objects.create(
            requester=by, requesting_organization=org, client=matti, consent=consent,
            description="x",
        )  # fmt: skip

    own, linked = request(alice), request(olli)
    apps = _migrate(AFTER)
    Request = apps.get_model("coordination", "ConsultationRequest")
    own, linked = Request.objects.get(pk=own.pk), Request.objects.get(pk=linked.pk)
    assert own.client_snapshot["last_name"] == "Meikäläinen"
    assert own.client_snapshot["personal_identity_code"] == "131052-308T"
    assert linked.client_snapshot == {}  # olli is not shown what alice recorded
    assert own.consent_method == linked.consent_method == "written"
