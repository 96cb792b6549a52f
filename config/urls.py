from django.conf import settings
from django.contrib import admin
from django.http import Http404
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter, SimpleRouter
from rest_framework.urlpatterns import format_suffix_patterns

from clients import urls as client_urls
from clients.api import ClientViewSet
from coaching.api import (
    EmployerContactViewSet,
    FidelityReviewViewSet,
    FollowAlongNoteViewSet,
    JobStartViewSet,
    ReferralViewSet,
)
from config import health, home
from coordination import account_views, integration_views, sso_views, twofactor_views
from coordination.api import ConsultationViewSet, OrganizationViewSet
from healthchecks import urls as health_check_urls
from healthchecks.api import HealthCheckViewSet
from inbox.api import InboxItemViewSet
from metrics.api import MetricsSummaryView, WorkAbilityMeansView
from networks.api import NetworkViewSet
from serviceplans.api import PlanViewSet

router = DefaultRouter()
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("clients", ClientViewSet, basename="client")
router.register("inbox", InboxItemViewSet, basename="inbox-item")
router.register("consultations", ConsultationViewSet, basename="consultation")
router.register("networks", NetworkViewSet, basename="network")
router.register("plans", PlanViewSet, basename="plan")
router.register("coaching/referrals", ReferralViewSet, basename="coaching-referral")
router.register(
    "coaching/employer-contacts", EmployerContactViewSet, basename="coaching-employer-contact"
)
router.register("coaching/job-starts", JobStartViewSet, basename="coaching-job-start")
router.register(
    "coaching/follow-along-notes", FollowAlongNoteViewSet, basename="coaching-follow-along-note"
)
router.register(
    "coaching/fidelity-reviews", FidelityReviewViewSet, basename="coaching-fidelity-review"
)

# Actions that upper apps add to a client (/api/v1/clients/{id}/health-checks/), named as
# the client's own (`client-health-checks`): a router of their own, since a router takes
# each basename once. Format suffixes as DefaultRouter adds them.
client_actions = SimpleRouter()
client_actions.register("clients", HealthCheckViewSet, basename="client")


class AdminLoginView(RedirectView):
    """The admin uses our login (with its lockout and second factor), not its own form.
    Someone already logged in who is not staff gets 404: our login would send them
    straight back to the admin, which would send them here again (a redirect loop)."""

    pattern_name = "login"
    query_string = True

    def get(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            raise Http404
        return super().get(request, *args, **kwargs)


admin.site.site_header = "Työkyky"
admin.site.site_title = "Työkyky"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("workerz", health.workerz, name="workerz"),
    path("admin/login/", AdminLoginView.as_view(), name="admin_login"),
    path("admin/", admin.site.urls),
    # The dashboard's numbers as JSON (before the router's catch-all).
    path("api/v1/metrics/summary/", MetricsSummaryView.as_view(), name="metrics-summary"),
    path(
        "api/v1/metrics/work-ability/",
        WorkAbilityMeansView.as_view(),
        name="metrics-work-ability",
    ),
    path("api/v1/", include(router.urls)),
    path("api/v1/", include(format_suffix_patterns(client_actions.urls))),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # A client's pages, with those the upper apps add under the client (health checks),
    # in one namespace: `clients:` names every page of a client.
    path(
        "clients/",
        include((client_urls.urlpatterns + health_check_urls.urlpatterns, client_urls.app_name)),
    ),
    path("networks/", include("networks.urls")),
    path("plans/", include("serviceplans.urls")),
    path("metrics/", include("metrics.urls")),
    path("coaching/", include("coaching.urls")),
    path("", home.home, name="home"),
    path("", include("people.urls")),
    path("", include("inbox.urls")),
    path("", include("voice.urls")),
    path("", include(twofactor_views.urlpatterns)),
    path("", include(integration_views.urlpatterns)),
    path("", include(account_views.urlpatterns)),
    path("", include(sso_views.urlpatterns)),
    path("", include("coordination.urls")),
]

if settings.DEBUG:
    from django.views import defaults

    # Lets a developer look at the error pages that users would see.
    urlpatterns += [
        path("_errors/404/", defaults.page_not_found, {"exception": None}),
        path("_errors/500/", defaults.server_error),
    ]
