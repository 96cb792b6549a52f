from django.urls import path

from people import views

app_name = "people"

urlpatterns = [
    path("people/", views.person_list, name="person_list"),
    path("people/invite/", views.person_invite, name="person_invite"),
    path("people/outbox/", views.outbox_list, name="outbox_list"),
    path("people/organisations/", views.organization_list, name="organization_list"),
    path("people/organisations/new/", views.organization_create, name="organization_create"),
    path(
        "people/organisations/<uuid:managed_organization_id>/",
        views.organization_detail,
        name="organization_detail",
    ),
    path(
        "people/organisations/<uuid:managed_organization_id>/edit/",
        views.organization_edit,
        name="organization_edit",
    ),
    path("people/<uuid:person_id>/", views.person_detail, name="person_detail"),
    path("people/<uuid:person_id>/edit/", views.person_edit, name="person_edit"),
    path("people/<uuid:person_id>/deactivate/", views.person_deactivate, name="person_deactivate"),
    path("people/<uuid:person_id>/reactivate/", views.person_reactivate, name="person_reactivate"),
    path(
        "people/<uuid:person_id>/second-factor/reset/",
        views.person_reset_second_factor,
        name="person_reset_second_factor",
    ),
    path(
        "people/<uuid:person_id>/invitation/resend/",
        views.person_resend_invitation,
        name="person_resend_invitation",
    ),
    path("invitation/accept/", views.invitation_accept, name="invitation_accept"),
    path("invitation/<str:token>/", views.invitation_open, name="invitation_open"),
]
