import pytest

from ...timetabling.generator import warm_up


@pytest.fixture(scope="session", autouse=True)
def compiled_annealer() -> None:
    """Compile the annealing kernel once, so no solve's time limit pays for it."""
    warm_up()
