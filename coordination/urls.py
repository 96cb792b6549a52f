from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.generic import TemplateView

from coordination import pickers, sso_views, views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", sso_views.LogoutView.as_view(), name="logout"),
    path(
        "password/change/",
        views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("language/", views.set_language, name="set_language"),
    path(
        "accessibility/",
        TemplateView.as_view(template_name="accessibility.html"),
        name="accessibility",
    ),
    path("consultations/new/", views.consultation_create, name="consultation_create"),
    path("consultations/mine/", views.my_requests, name="my_requests"),
    path("consultations/queue/", views.consultation_queue, name="consultation_queue"),
    path(
        "consultations/<uuid:consultation_id>/",
        views.consultation_detail,
        name="consultation_detail",
    ),
    path(
        "consultations/<uuid:consultation_id>/sent/",
        views.consultation_confirmation,
        name="consultation_confirmation",
    ),
    path(
        "consultations/<uuid:consultation_id>/withdraw/",
        views.consultation_withdraw,
        name="consultation_withdraw",
    ),
    path(
        "consultations/<uuid:consultation_id>/<slug:action>/",
        views.consultation_action,
        name="consultation_action",
    ),
    path("organizations/search/", pickers.organization_search, name="organization_search"),
]
