"""The health-check pages are pages of a client: config/urls.py includes them under
`clients/` in the `clients` namespace (`clients:health_check_create`), beside the
clients app's own pages."""

from django.urls import path

from healthchecks import views

urlpatterns = [
    path(
        "<uuid:client_id>/health-checks/new/",
        views.health_check_create,
        name="health_check_create",
    ),
    path(
        "<uuid:client_id>/health-checks/<uuid:check_id>/",
        views.health_check_result,
        name="health_check_result",
    ),
]
