"""Every notification (coordination) and plan reminder (serviceplans) becomes an inbox
item, with its read and e-mailed state, dates and link. It runs before the two old
models are deleted (run_before), and it loses nothing: a conflict would fail it."""

from django.db import migrations
from django.urls import NoReverseMatch, reverse

BATCH = 1000

NOTIFICATION_KINDS = {"answered": "request_answered", "urgent_request": "urgent_request"}

# The subject prefix of a reminder and the model its thing is.
SUBJECTS = {
    "consent": ("clients", "Consent"),
    "consultation": ("coordination", "ConsultationRequest"),
    "job_start": ("coaching", "JobStart"),
}


def _content_type(apps, app_label, model):
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type, _ = ContentType.objects.get_or_create(
        app_label=app_label, model=model.lower()
    )
    return content_type


def _consultation_url(uuid) -> str:
    try:
        return reverse("consultation_detail", args=[uuid])
    except NoReverseMatch:
        return ""


def move_notifications(apps) -> int:
    Notification = apps.get_model("coordination", "Notification")
    InboxItem = apps.get_model("inbox", "InboxItem")
    content_type = _content_type(apps, "coordination", "ConsultationRequest")
    rows = (
        Notification.objects.order_by("pk")
        .values_list(
            "uuid", "recipient_id", "kind", "consultation_id", "consultation__uuid",
            "created_at", "read_at", "emailed_at",
        )
        .iterator(chunk_size=BATCH)
    )
    batch, moved = [], 0
    for uuid, recipient_id, kind, consultation_id, consultation_uuid, created, read, emailed in rows:
        batch.append(
            InboxItem(
                uuid=uuid,
                recipient_id=recipient_id,
                kind=NOTIFICATION_KINDS[kind],
                content_type=content_type,
                object_id=consultation_id,
                url=_consultation_url(consultation_uuid),
                # The key common.inbox.announce() gives the same announcement today.
                key=f"coordination.consultationrequest:{consultation_id}",
                created_at=created,
                read_at=read,
                emailed_at=emailed,
                delivery="immediately",
            )
        )
        if len(batch) >= BATCH:
            moved += len(InboxItem.objects.bulk_create(batch))
            batch = []
    moved += len(InboxItem.objects.bulk_create(batch))
    return moved


def _targets(apps, subjects: list[str]) -> dict[str, tuple[object, int]]:
    """subject -> (content type, object id) for the subjects that name a thing by uuid."""
    by_prefix: dict[str, set[str]] = {}
    for subject in subjects:
        prefix, _, uuid = subject.partition(":")
        if prefix in SUBJECTS:
            by_prefix.setdefault(prefix, set()).add(uuid)
    found = {}
    for prefix, uuids in by_prefix.items():
        app_label, model_name = SUBJECTS[prefix]
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:
            continue
        content_type = _content_type(apps, app_label, model_name)
        for pk, uuid in model.objects.filter(uuid__in=uuids).values_list("pk", "uuid"):
            found[f"{prefix}:{uuid}"] = (content_type, pk)
    return found


def move_reminders(apps) -> int:
    PlanReminder = apps.get_model("serviceplans", "PlanReminder")
    InboxItem = apps.get_model("inbox", "InboxItem")
    plan_type = _content_type(apps, "serviceplans", "ServicePlan")
    subjects = list(PlanReminder.objects.values_list("subject", flat=True).distinct())
    targets = _targets(apps, subjects)
    batch, moved = [], 0
    for reminder in PlanReminder.objects.order_by("pk").iterator(chunk_size=BATCH):
        content_type, object_id = targets.get(reminder.subject, (None, None))
        if content_type is None and reminder.plan_id is not None:
            content_type, object_id = plan_type, reminder.plan_id
        batch.append(
            InboxItem(
                recipient_id=reminder.recipient_id,
                kind=reminder.kind,
                content_type=content_type,
                object_id=object_id,
                url=reminder.url,
                # The key the sweeps give the same thing today: no second item tomorrow.
                key=f"{reminder.subject}:{reminder.due_date.isoformat()}",
                due_date=reminder.due_date,
                text=reminder.text,
                created_at=reminder.created_at,
                read_at=reminder.read_at,
                emailed_at=reminder.emailed_at,
                delivery="immediately",
            )
        )
        if len(batch) >= BATCH:
            moved += len(InboxItem.objects.bulk_create(batch))
            batch = []
    moved += len(InboxItem.objects.bulk_create(batch))
    return moved


def move_everything(apps, schema_editor):
    move_notifications(apps)
    move_reminders(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("inbox", "0001_initial"),
        ("coordination", "0011_user_sessions_and_password_reset"),
        ("serviceplans", "0003_documents_in_the_database"),
        # The oldest states that have the things reminders name (consents, job starts):
        # a migration test that takes clients back must not have to take this back too.
        ("clients", "0001_initial"),
        ("coaching", "0001_initial"),
    ]
    # The old tables go only after their rows have moved.
    run_before = [
        ("coordination", "0015_delete_notification"),
        ("serviceplans", "0006_delete_planreminder"),
    ]

    operations = [
        # Going back leaves the items (the old tables come back empty).
        migrations.RunPython(move_everything, migrations.RunPython.noop, elidable=False),
    ]
