"""A Django storage that keeps files in the database (the StoredFile table).

Generated plan PDFs are small and few, and hold client data: kept in PostgreSQL they are
in every pg_dump, restored with it, deleted in the same place as the rows that name them,
and readable by every web and worker process without a shared volume. Object storage
(S3 through django-storages) can take their place by STORAGES["documents"]; see README.
"""

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.utils.deconstruct import deconstructible

from serviceplans.models import StoredFile


@deconstructible
class DatabaseStorage(Storage):
    """Files are rows: name → bytes. No URLs: downloads go through views that check
    access and write the access log."""

    def _open(self, name, mode="rb"):
        if "w" in mode or "a" in mode:
            raise ValueError("DatabaseStorage files are written with save(), not open()")
        try:
            content = StoredFile.objects.values_list("content", flat=True).get(name=name)
        except StoredFile.DoesNotExist:
            raise FileNotFoundError(name) from None
        return ContentFile(bytes(content), name=name)

    def _save(self, name, content):
        if hasattr(content, "seek"):
            content.seek(0)
        data = content.read()
        StoredFile.objects.create(name=name, content=data, size=len(data))
        return name

    def delete(self, name):
        StoredFile.objects.filter(name=name).delete()

    def exists(self, name):
        return StoredFile.objects.filter(name=name).exists()

    def size(self, name):
        try:
            return StoredFile.objects.values_list("size", flat=True).get(name=name)
        except StoredFile.DoesNotExist:
            raise FileNotFoundError(name) from None

    def url(self, name):
        raise NotImplementedError("stored documents are downloaded through their views")
