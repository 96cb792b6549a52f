# Health checks moved to their own app, `healthchecks`: this migration renames the table
# to the new app's name and drops the model from clients' state; healthchecks'
# 0001_initial adds it to its state without touching the database. The rows stay: on
# PostgreSQL a table rename changes only the catalogue (the indexes, the constraints and
# the identity sequence go with the table).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('clients', '0011_municipality_code'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name='healthcheck', table='healthchecks_healthcheck'),
            ],
            state_operations=[
                migrations.DeleteModel(name='HealthCheck'),
            ],
        ),
    ]
