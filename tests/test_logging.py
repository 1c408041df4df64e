"""SIM_LOG and the redacted debug lines: one stderr handler on the simstudio logger, never on
the root logger, never twice; the key blanked out of headers, paths and bodies before cutting."""

from __future__ import annotations

import io
import logging
import sys
from typing import Iterator

import pytest
import responses
from _core_helpers import EXEC_SYNC_SUCCESS, EXECUTE_URL, KEY, STATUS_OK, STATUS_URL, WF, body

from simstudio import _logging
from simstudio._logging import BODY_LOG_LIMIT, configure_from_environment, redact

LOGGER = logging.getLogger("simstudio")


@pytest.fixture(autouse=True)
def restore_logger() -> Iterator[None]:
    handlers, level = list(LOGGER.handlers), LOGGER.level
    root_handlers = list(logging.getLogger().handlers)
    yield
    LOGGER.handlers[:] = handlers
    LOGGER.setLevel(level)
    assert logging.getLogger().handlers == root_handlers


def _ours():
    return [h for h in LOGGER.handlers if isinstance(h, _logging._StderrHandler)]


@pytest.mark.parametrize(("value", "level"), [("debug", logging.DEBUG), (" INFO ", logging.INFO)])
def test_sim_log_adds_one_stderr_handler_at_that_level(value, level):
    root_before = list(logging.getLogger().handlers)
    assert configure_from_environment({"SIM_LOG": value}) == level
    assert configure_from_environment({"SIM_LOG": value}) == level
    (handler,) = _ours()
    assert handler.level == level
    assert LOGGER.level == level
    assert logging.getLogger().handlers == root_before


def test_a_second_call_changes_the_level_of_the_same_handler():
    configure_from_environment({"SIM_LOG": "debug"})
    configure_from_environment({"SIM_LOG": "info"})
    (handler,) = _ours()
    assert (handler.level, LOGGER.level) == (logging.INFO, logging.INFO)


@pytest.mark.parametrize("value", [None, "", "off", "0", "false"])
def test_off_values_leave_logging_alone(value):
    environ = {} if value is None else {"SIM_LOG": value}
    assert configure_from_environment(environ) is None
    assert _ours() == []


def test_an_unknown_value_warns_and_stays_off():
    with pytest.warns(RuntimeWarning, match="SIM_LOG='verbose' is not 'debug' or 'info'"):
        assert configure_from_environment({"SIM_LOG": "verbose"}) is None
    assert _ours() == []


def test_the_handler_writes_to_the_current_stderr_with_time_and_level(monkeypatch):
    configure_from_environment({"SIM_LOG": "info"})
    captured = io.StringIO()
    monkeypatch.setattr(sys, "stderr", captured)  # replaced after the handler was made
    LOGGER.info("GET /x -> 200")
    LOGGER.debug("not at info")
    assert captured.getvalue().endswith(" INFO simstudio: GET /x -> 200\n")
    assert captured.getvalue()[:4].isdigit()


def test_redact_blanks_the_key_and_its_json_escaped_form():
    assert redact(f"a {KEY} b {KEY}", KEY) == "a [redacted] b [redacted]"
    quoted = 'sk-sim-"odd\\key'
    assert redact('{"k": "sk-sim-\\"odd\\\\key"}', quoted) == '{"k": "[redacted]"}'
    assert redact("nothing here", KEY) == "nothing here"


def test_a_body_is_redacted_before_it_is_cut():
    # The key straddles the cut: cutting first would leave its first half in the log.
    text = "x" * (BODY_LOG_LIMIT - 10) + KEY + "y" * 5000
    shown = _logging._body_text(text.encode(), (KEY,))
    assert KEY[:10] not in shown
    assert shown.endswith(f"... ({len(text)} bytes in all)")
    assert len(shown) < BODY_LOG_LIMIT + 40


def test_a_large_body_shows_its_head_and_size():
    data = ("é" * 3 + KEY).encode() * 40000  # about 1.5 MB of two-byte characters and keys
    shown = _logging._body_text(data, (KEY,))
    assert shown.startswith("ééé[redacted]ééé[redacted]")
    assert shown.endswith(f"... ({len(data)} bytes in all)")
    assert KEY[7:20] not in shown
    assert _logging._body_text(b"short", (KEY,)) == "short"


def test_credential_headers_are_redacted():
    shown = _logging._headers_text(
        {"X-API-Key": KEY, "Authorization": "Bearer t", "Set-Cookie": "s=1", "X-Echo": KEY},
        (KEY,),
    )
    assert shown == (
        "{X-API-Key: [redacted], Authorization: [redacted], Set-Cookie: [redacted], "
        "X-Echo: [redacted]}"
    )


def test_debug_lines_of_a_call_never_hold_the_key(rsps, client, caplog):
    rsps.add(responses.POST, EXECUTE_URL, body=body({**EXEC_SYNC_SUCCESS, "output": KEY}))
    rsps.add(responses.GET, STATUS_URL, body=body(STATUS_OK), headers={"x-request-id": "r-1"})
    with caplog.at_level(logging.DEBUG, logger="simstudio"):
        client.execute_workflow(WF, {"echo": KEY}, extra_headers={"Authorization": "Bearer t"})
        client.get_workflow_status(WF)
    text = caplog.text
    assert KEY not in text
    assert "Bearer t" not in text
    assert f"request: POST /api/workflows/{WF}/execute headers={{X-API-Key: [redacted]" in text
    assert 'body={"echo":"[redacted]"}' in text
    assert '"output":"[redacted]"' in text
    assert f"GET /api/workflows/{WF}/status -> 200 in " in text
    assert "(request id r-1)" in text


def test_info_lines_have_no_headers_or_bodies(rsps, client, caplog):
    rsps.add(responses.POST, EXECUTE_URL, body=body(EXEC_SYNC_SUCCESS))
    with caplog.at_level(logging.INFO, logger="simstudio"):
        client.execute_workflow(WF, {"secret-input": 1})
    (record,) = caplog.records
    assert record.levelno == logging.INFO
    assert record.getMessage().startswith(f"POST /api/workflows/{WF}/execute -> 200 in ")
    assert "secret-input" not in caplog.text


def test_a_key_pasted_as_an_id_is_redacted_from_the_path(rsps, client, caplog):
    rsps.add(responses.GET, f"{STATUS_URL.replace(WF, KEY)}", body=body(STATUS_OK))
    with caplog.at_level(logging.DEBUG, logger="simstudio"):
        client.get_workflow_status(KEY)  # a key pasted where the workflow id goes
    assert "GET /api/workflows/[redacted]/status -> 200 in " in caplog.text
    assert KEY not in caplog.text
