from django.urls import path

from clients import views

app_name = "clients"
urlpatterns = [
    path("", views.client_search, name="client_search"),
    path("<uuid:client_id>/", views.client_detail, name="client_detail"),
    path("<uuid:client_id>/consents/", views.consent_create, name="consent_create"),
    # serviceplans issue: the work-ability assessment
    path("<uuid:client_id>/assessments/new/", views.assessment_create, name="assessment_create"),
    # IPS issue (8): health checks for the unemployed
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
    path(
        "<uuid:client_id>/consents/<uuid:consent_id>/withdraw/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
]
