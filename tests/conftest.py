"""Fixtures of the mocked core-client tests: the ``responses`` mock and a client on ``BASE``.

Constants, wire bodies and ``make_client`` live in ``_core_helpers``; a module that needs another
client (e.g. without retries) overrides ``client`` locally.
"""

from __future__ import annotations

from typing import Iterator

import pytest
import responses
from _core_helpers import make_client

from simstudio import SimStudioClient


@pytest.fixture
def rsps() -> Iterator[responses.RequestsMock]:
    """Mocked HTTP for the test; requests it does not know fail, unused answers are allowed."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def client() -> Iterator[SimStudioClient]:
    """``make_client()``: the fake key on ``BASE``, retry waits recorded; closed afterwards."""
    c = make_client()
    yield c
    c.close()
