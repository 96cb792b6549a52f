import pytest
from django.utils import translation

from metrics.tests.dataset import build_dataset


@pytest.fixture
def data(alice, kaisa, kela, hub):
    """The hand-built data set described in `metrics/tests/dataset.py`."""
    build_dataset(alice, kaisa, kela)


@pytest.fixture(autouse=True)
def _english():
    """The hand-counted tables are checked by their English labels."""
    with translation.override("en"):
        yield
