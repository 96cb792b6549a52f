"""The coaching API: serializers and viewsets calling the same access rules and services
as the pages.

    /api/v1/coaching/referrals/                       GET, POST (refer)
    /api/v1/coaching/referrals/{id}/                  GET
    /api/v1/coaching/referrals/{id}/take/             POST (a job coach of the team)
    /api/v1/coaching/referrals/{id}/transition/       POST {"status": "ended", ...}
    /api/v1/coaching/employer-contacts/               GET (?referral=), POST
    /api/v1/coaching/employer-contacts/{id}/          GET
    /api/v1/coaching/job-starts/                      GET (?referral=), POST
    /api/v1/coaching/job-starts/{id}/                 GET
    /api/v1/coaching/job-starts/{id}/end/             POST
    /api/v1/coaching/follow-along-notes/              GET (?referral=), POST
    /api/v1/coaching/follow-along-notes/{id}/         GET
    /api/v1/coaching/fidelity-reviews/                GET, POST
    /api/v1/coaching/fidelity-reviews/{id}/           GET

A record the user may not see is 404; one they see but may not change is 403; refused
moves and bad input are 400 with field errors. Every read of a client's data is in the
access log.
"""

from coaching.api.fidelity import FidelityReviewViewSet
from coaching.api.records import EmployerContactViewSet, FollowAlongNoteViewSet, JobStartViewSet
from coaching.api.referrals import ReferralViewSet

__all__ = [
    "EmployerContactViewSet",
    "FidelityReviewViewSet",
    "FollowAlongNoteViewSet",
    "JobStartViewSet",
    "ReferralViewSet",
]
