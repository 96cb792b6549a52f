from django.urls import path

from voice import views

app_name = "voice"

urlpatterns = [
    # The professional's pages.
    path(
        "client-links/new/<str:touchpoint>/<uuid:object_id>/",
        views.link_create,
        name="link_create",
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
