from django.urls import path

from networks import views

app_name = "networks"
urlpatterns = [
    path("", views.my_networks, name="my_networks"),
    path("new/", views.network_create, name="network_create"),
    path("<uuid:network_id>/", views.network_detail, name="network_detail"),
    path(
        "<uuid:network_id>/members/professional/",
        views.member_add_professional,
        name="member_add_professional",
    ),
    path(
        "<uuid:network_id>/members/outside/",
        views.member_add_outside,
        name="member_add_outside",
    ),
    path(
        "<uuid:network_id>/members/<uuid:member_id>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path("<uuid:network_id>/consent/", views.consent_extend, name="consent_extend"),
    path("<uuid:network_id>/close/", views.network_close, name="network_close"),
    path("<uuid:network_id>/meetings/new/", views.meeting_create, name="meeting_create"),
    path(
        "<uuid:network_id>/meetings/held/",
        views.meeting_record_held,
        name="meeting_record_held",
    ),
    path("meetings/<uuid:meeting_id>/", views.meeting_detail, name="meeting_detail"),
    path(
        "meetings/<uuid:meeting_id>/invite.ics",
        views.meeting_invite_ics,
        name="meeting_invite_ics",
    ),
    path("meetings/<uuid:meeting_id>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<uuid:meeting_id>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path("meetings/<uuid:meeting_id>/minutes/", views.meeting_minutes, name="meeting_minutes"),
    path(
        "meetings/<uuid:meeting_id>/minutes/print/",
        views.meeting_minutes_print,
        name="meeting_minutes_print",
    ),
    path(
        "meetings/<uuid:meeting_id>/minutes/share/",
        views.meeting_minutes_share,
        name="meeting_minutes_share",
    ),
]
