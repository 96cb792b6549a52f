from django.urls import path

from clients import views

app_name = "clients"
urlpatterns = [
    path("", views.client_search, name="client_search"),
    # The access-log review for administrators
    path("access-log/", views.access_log_list, name="access_log"),
    path("access-log/<uuid:client_id>/", views.access_report, name="access_report"),
    path("<uuid:client_id>/", views.client_detail, name="client_detail"),
    path("<uuid:client_id>/consents/", views.consent_create, name="consent_create"),
    # The client's record and the hub's corrections of the details
    path("<uuid:client_id>/record/", views.client_record_page, name="client_record"),
    path("<uuid:client_id>/edit/", views.client_edit, name="client_edit"),
    # The work-ability assessment
    path("<uuid:client_id>/assessments/new/", views.assessment_create, name="assessment_create"),
    path(
        "<uuid:client_id>/consents/<uuid:consent_id>/withdraw/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
]
