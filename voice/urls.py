from django.urls import path

from voice import views
from voice.models import Touchpoint

app_name = "voice"

urlpatterns = [
    # The professional's pages.
    # One route per touchpoint, each carrying the id its app's access rule knows.
    path(
        "client-links/new/consultation/<uuid:consultation_id>/",
        views.link_create,
        {"touchpoint": Touchpoint.CONSULTATION_ANSWER},
        name="link_create_consultation",
    ),
    path(
        "client-links/new/meeting/<uuid:meeting_id>/",
        views.link_create,
        {"touchpoint": Touchpoint.NETWORK_MEETING},
        name="link_create_meeting",
    ),
    path(
        "client-links/new/plan/<uuid:plan_id>/",
        views.link_create,
        {"touchpoint": Touchpoint.PLAN_AGREEMENT},
        name="link_create_plan",
    ),
    path(
        "client-links/new/referral/<uuid:referral_id>/",
        views.link_create,
        {"touchpoint": Touchpoint.JOB_COACHING},
        name="link_create_referral",
    ),
    path("client-links/<uuid:link_id>/", views.link_detail, name="link_detail"),
    path("client-links/<uuid:link_id>/print/", views.link_print, name="link_print"),
    path("client-links/<uuid:link_id>/send/", views.link_send, name="link_send"),
    path("client-links/<uuid:link_id>/revoke/", views.link_revoke, name="link_revoke"),
    path("client-feedback/texts/", views.feedback_texts, name="feedback_texts"),
    # The client's pages: no login, the token is the only key.
    path("c/feedback/<str:token>/", views.feedback, name="feedback"),
    path("c/self-assessment/<str:token>/", views.self_assessment, name="self_assessment"),
]
