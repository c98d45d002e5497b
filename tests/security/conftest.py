# The settable clock and the request factory of the resident-request tests.
from tests.cases.conftest import clock, report  # noqa: F401 - fixtures
