"""The months before today: requests from every sending organisation, answered and
closed, most with feedback, so that the manager's dashboard has numbers above the
suppression threshold (five at least for each organisation that sends, metrics.privacy)."""

from coordination.models import ConsultationRequest, User
from demo.world.people import REQUESTERS
from demo.world.requests import Spec, make_request

Reason = ConsultationRequest.Reason
Asked = ConsultationRequest.Asked
Outcome = ConsultationRequest.Outcome

PER_REQUESTER = 6

REASONS = [
    (Reason.WORK_ABILITY_UNCLEAR,),
    (Reason.LONG_UNEMPLOYMENT, Reason.MENTAL_HEALTH),
    (Reason.PHYSICAL_HEALTH,),
    (Reason.REHABILITATION, Reason.WORK_ABILITY_UNCLEAR),
    (Reason.SOCIAL_SITUATION, Reason.FINANCES),
]
ASKED = [(Asked.CONSULTATION,), (Asked.CONSULTATION, Asked.HEALTH_CHECK), (Asked.JOB_COACHING,)]
OUTCOMES = [Outcome.ADVICE_GIVEN, Outcome.REFERRED, Outcome.HEALTH_CHECK, Outcome.JOB_COACHING]


def seed_history(users: dict[str, User]) -> int:
    """Six requests from each requester, one every seven weeks or so, between a month
    and eleven months back."""
    made = 0
    for who, requester in enumerate(REQUESTERS):
        for number in range(PER_REQUESTER):
            index = who * PER_REQUESTER + number
            spec = Spec(
                requester,
                days_ago=33 + number * 50 + who * 7,
                state="closed",
                description="Työkyvyn tuen tarve, pyydetään konsultaatiota.",
                reasons=REASONS[index % len(REASONS)],
                asked=ASKED[index % len(ASKED)],
                outcome=OUTCOMES[index % len(OUTCOMES)],
                feedback=0 if index % 3 == 0 else 3 + index % 3,
            )
            make_request(spec, users, hour=8 + index % 8)
            made += 1
    return made
