import pytest

from coordination.tests.factories import OrganizationFactory
from networks.tests.factories import MeetingFactory, NetworkFactory
from voice import services
from voice.models import ClientLink


@pytest.fixture
def meeting(kaisa):
    """A meeting of kaisa's network around a client of Oulu (564)."""
    network = NetworkFactory(coordinator=kaisa, client__municipality="564")
    return MeetingFactory(network=network)


@pytest.fixture
def make_link(kaisa, meeting):
    """`make_link(purpose)`: a link from kaisa's meeting; returns (link, token)."""

    def make(purpose=ClientLink.Purpose.FEEDBACK, obj=None, by=None):
        return services.create_link(obj=obj or meeting, purpose=purpose, by=by or kaisa)

    return make


@pytest.fixture
def ngo(db):
    return OrganizationFactory(name="Mielenterveysyhdistys", kind="ngo", municipality="564")


FEEDBACK = {
    "heard": "2",
    "understood": "1",
    "knows_next": "2",
    "recommends": "0",
    "free_text": "Hyvä tapaaminen.",
}


def feedback_url(token):
    return f"/c/feedback/{token}/"


def self_assessment_url(token):
    return f"/c/self-assessment/{token}/"
