import pytest


@pytest.fixture(autouse=True)
def _chinese():
    """Messages are checked in Chinese, whatever an earlier test left active."""
    from django.utils import translation

    with translation.override("zh-hans"):
        yield
