# Health checks were created in the clients app (clients 0005, 0009); clients 0012 renamed
# the table to this app's name and dropped the model from clients' state. Here the model
# enters this app's state as it is in the database; only the content type (and with it
# the model's permissions) moves, on a database that has one already.

import common.db
import django.db.models.deletion
import django.utils.timezone
import uuid
from django.conf import settings
from django.db import migrations, models


def _rename_content_type(apps, old_app, new_app):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    if ContentType.objects.filter(app_label=new_app, model='healthcheck').exists():
        return
    ContentType.objects.filter(app_label=old_app, model='healthcheck').update(app_label=new_app)


def move_content_type(apps, schema_editor):
    _rename_content_type(apps, 'clients', 'healthchecks')


def move_content_type_back(apps, schema_editor):
    _rename_content_type(apps, 'healthchecks', 'clients')


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('clients', '0012_health_check_to_healthchecks'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('coordination', '0010_consultation_client_as_sent'),
        ('serviceplans', '0002_reminder_kind_job_start'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='HealthCheck',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ('status', models.CharField(choices=[('offered', 'Offered'), ('done', 'Done'), ('declined', 'Declined')], default='offered', max_length=10, verbose_name='status')),
                        ('offered_on', models.DateField(default=django.utils.timezone.localdate, verbose_name='offered on')),
                        ('done_on', models.DateField(blank=True, null=True, verbose_name='done on')),
                        ('done_by_name', models.CharField(blank=True, max_length=200, verbose_name='done by (name)')),
                        ('declined_on', models.DateField(blank=True, null=True, verbose_name='declined on')),
                        ('led_to_further_assessment', models.BooleanField(blank=True, null=True, verbose_name='led to a further assessment')),
                        ('further_assessment', models.CharField(blank=True, choices=[('medical_assessment', 'Medical assessment'), ('work_ability_assessment', 'Work-ability assessment'), ('rehabilitation', 'Rehabilitation'), ('pension_assessment', 'Pension assessment'), ('mental_health', 'Mental health services'), ('substance_services', 'Substance abuse services'), ('other', 'Other')], max_length=30, verbose_name='further assessment')),
                        ('notes', models.TextField(blank=True, max_length=2000, verbose_name='notes')),
                        ('lock_version', models.PositiveIntegerField(default=0, editable=False)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='created at')),
                        ('client', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='health_checks', to='clients.client', verbose_name='client')),
                        ('done_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='done by')),
                        ('offered_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='offered by')),
                        ('organization', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='coordination.organization', verbose_name='organisation that does the health check')),
                        ('plan_action', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='health_checks', to='serviceplans.planaction', verbose_name='plan action')),
                    ],
                    options={
                        'verbose_name': 'health check for the unemployed',
                        'verbose_name_plural': 'health checks for the unemployed',
                        'ordering': ['-offered_on', '-created_at'],
                        'indexes': [models.Index(condition=models.Q(('status', 'done')), fields=['client', 'done_on'], name='health_check_done_idx')],
                        'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('status', 'done'), _negated=True), ('done_on__isnull', False), _connector='OR'), name='health_check_done_has_date', violation_error_message='Give the date the health check was done.'), models.CheckConstraint(condition=models.Q(('done_on__isnull', True), ('status', 'done'), _connector='OR'), name='health_check_date_only_when_done'), models.CheckConstraint(condition=models.Q(('done_on__isnull', True), ('done_on__lte', common.db.LocalToday()), _connector='OR'), name='health_check_done_not_in_future', violation_error_message='The health check cannot be done in the future.'), models.CheckConstraint(condition=models.Q(('offered_on__lte', common.db.LocalToday())), name='health_check_offered_not_in_future', violation_error_message='The offer cannot be in the future.'), models.CheckConstraint(condition=models.Q(('done_on__isnull', True), ('done_on__gte', models.F('offered_on')), _connector='OR'), name='health_check_done_after_offer', violation_error_message='The health check cannot be done before it was offered.')],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
