from django.urls import path

from serviceplans import views

app_name = "serviceplans"
urlpatterns = [
    path("actions/", views.my_actions, name="my_actions"),
    path("network/<uuid:network_id>/", views.plan_for_network, name="plan_for_network"),
    path("<uuid:plan_id>/", views.plan_detail, name="plan_detail"),
    path("<uuid:plan_id>/edit/", views.plan_edit, name="plan_edit"),
    path("<uuid:plan_id>/goals/", views.goal_add, name="goal_add"),
    path("<uuid:plan_id>/actions/", views.action_add, name="action_add"),
    path("<uuid:plan_id>/agree/", views.plan_agree, name="plan_agree"),
    path("<uuid:plan_id>/revise/", views.plan_revise, name="plan_revise"),
    path("<uuid:plan_id>/review/", views.review_add, name="review_add"),
    path("<uuid:plan_id>/compare/", views.plan_compare, name="plan_compare"),
    path("<uuid:plan_id>/pdf/", views.pdf_request, name="pdf_request"),
    path("<uuid:plan_id>/pdf/status/", views.pdf_status, name="pdf_status"),
    path("documents/<uuid:document_id>/", views.pdf_download, name="pdf_download"),
    path("actions/<uuid:action_id>/status/", views.action_status, name="action_status"),
    path("actions/<uuid:action_id>/remove/", views.action_remove, name="action_remove"),
    path("actions/<uuid:action_id>/edit/", views.action_edit, name="action_edit"),
    path(
        "decisions/<uuid:decision_id>/action/",
        views.decision_to_action,
        name="decision_to_action",
    ),
]
