"""The v1 wire formats: a neutral abstract base with the 2025 and 2026 eras as peers."""

from __future__ import annotations

import inspect

import pytest

from simstudio.testing._state import wire_for
from simstudio.testing._wire import Wire
from simstudio.testing._wire2025 import Wire2025
from simstudio.testing._wire2026 import Wire2026


def test_the_eras_are_peers_of_one_abstract_base() -> None:
    assert inspect.isabstract(Wire)
    with pytest.raises(TypeError):
        Wire()  # type: ignore[abstract]
    for era in (Wire2025, Wire2026):
        assert era.__bases__ == (Wire,)
        assert not inspect.isabstract(era)


@pytest.mark.parametrize(("name", "era"), [("2025", Wire2025), ("2026", Wire2026)])
def test_wire_for_picks_the_era_by_name(name: str, era: type) -> None:
    wire = wire_for(name)
    assert type(wire) is era
    assert wire.era == name


def test_wire_for_refuses_unknown_eras() -> None:
    with pytest.raises(ValueError, match="'2024'"):
        wire_for("2024")


def test_shared_shapes_use_each_eras_error_body() -> None:
    message = "API key is not authorized for this workspace"
    assert Wire2026().workspace_forbidden() == {"error": message}
    assert Wire2025().workspace_forbidden() == {
        "error": message,
        "code": "API_KEY_IS_NOT_AUTHORIZED_FOR_THIS_WORKSPACE",
    }
    assert Wire2026().not_deployed() == {"error": "Workflow is not deployed"}
