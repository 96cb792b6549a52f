import pytest

from metrics.tests.dataset import build_dataset


@pytest.fixture
def data(alice, kaisa, kela, hub):
    """The hand-built data set described in `metrics/tests/dataset.py`."""
    build_dataset(alice, kaisa, kela)
