import pytest

from coordination.models import User
from coordination.tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.TWO_FACTOR_REQUIRED = False


@pytest.fixture
def anna(kela):
    """Kela's own administrator: a professional who manages Kela's people."""
    return UserFactory(username="anna", first_name="Anna", organization=kela, is_org_admin=True)


@pytest.fixture
def root(hub):
    return UserFactory(
        username="root", organization=hub, role=User.Role.ADMINISTRATOR, is_superuser=True
    )


@pytest.fixture(autouse=True)
def _english(client, settings):
    """The pages in English, so that the tests read the texts as written in the code."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
