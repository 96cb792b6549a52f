import datetime

import factory
from django.utils import timezone
from stdnum.fi import hetu

from clients.models import Client, Consent
from coordination.tests.factories import UserFactory


def make_identity_code(n: int, born: datetime.date = datetime.date(1980, 1, 1)) -> str:
    """A valid personal identity code for the n-th test person, born on `born`."""
    born = born + datetime.timedelta(days=n // 800)
    individual = 2 + n % 800
    sign = "-" if born.year < 2000 else "A"
    digits = f"{born:%d%m%y}{individual:03d}"
    check = "0123456789ABCDEFHJKLMNPRSTUVWXY"[int(digits) % 31]
    code = f"{born:%d%m%y}{sign}{individual:03d}{check}"
    assert hetu.is_valid(code)
    return code


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    first_name = factory.Faker("first_name", locale="fi_FI")
    last_name = factory.Faker("last_name", locale="fi_FI")
    personal_identity_code = factory.Sequence(make_identity_code)
    municipality = "564"


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    client = factory.SubFactory(ClientFactory)
    scope = Consent.Scope.CONSULTATION
    method = Consent.Method.VERBAL
    recorded_by = factory.SubFactory(UserFactory)
    given_at = factory.LazyFunction(timezone.now)


def member_of_network(client, user):
    """`user` an active member of a network around `client`, with the network consent
    covering their organisation: the way a professional sees a client record."""
    from networks.tests.factories import MemberFactory, NetworkFactory, network_consent

    network = NetworkFactory(client=client)
    network_consent(client, [user.organization], network.coordinator)
    MemberFactory(network=network, user=user)
    return network
