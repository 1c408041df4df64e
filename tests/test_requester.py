"""The shared send path: per-call and default headers, with_options, retry rules, results that
know their answer, closed views, app identification."""

from __future__ import annotations

import pickle
import sys

import pytest
import responses
from _core_helpers import (
    BASE,
    EXEC_SYNC_SUCCESS,
    EXECUTE_URL,
    JOB_ID,
    JOB_PROCESSING,
    JOB_URL,
    KEY,
    STATUS_OK,
    STATUS_URL,
    WF,
    body,
    make_client,
)

from simstudio import (
    ConfigurationError,
    InvalidArgumentError,
    JobStatus,
    RetryPolicy,
    SimStudioClient,
)
from simstudio._config import USER_AGENT

HEADERS = {"x-request-id": "abcd1234", "X-RateLimit-Limit": "60", "X-RateLimit-Remaining": "59"}


def test_extra_headers_reach_the_server_over_default_headers(rsps):
    client = make_client(default_headers={"X-Trace": "default", "X-Team": "core"})
    rsps.add(responses.GET, STATUS_URL, body=body(STATUS_OK))
    client.get_workflow_status(WF, extra_headers={"X-Trace": "call-7"})
    sent = rsps.calls[0].request.headers
    assert (sent["X-Trace"], sent["X-Team"], sent["X-API-Key"]) == ("call-7", "core", KEY)


@pytest.mark.parametrize("name", ["X-API-Key", "x-api-key", " X-Api-Key "])
def test_no_header_option_can_replace_the_key(rsps, name):
    with pytest.raises(InvalidArgumentError):
        make_client(default_headers={name: "other"})
    client = make_client()
    with pytest.raises(InvalidArgumentError):
        client.get_workflow_status(WF, extra_headers={name: "other"})
    with pytest.raises(InvalidArgumentError):
        client.with_options(headers={name: "other"})
    assert len(rsps.calls) == 0


@pytest.mark.parametrize("headers", [{"X-Bad": "a\r\nX-API-Key: b"}, {"": "x"}, {"X-N": 3}])
def test_unsendable_headers_are_refused_before_sending(rsps, headers):
    with pytest.raises(InvalidArgumentError):
        make_client().get_workflow_status(WF, extra_headers=headers)
    assert len(rsps.calls) == 0


def test_app_info_is_appended_to_the_user_agent(rsps):
    client = make_client(app_info=("billing-sync", "1.4.2"))
    rsps.add(responses.GET, STATUS_URL, body=body(STATUS_OK))
    client.get_workflow_status(WF)
    assert rsps.calls[0].request.headers["User-Agent"] == f"{USER_AGENT} billing-sync/1.4.2"


@pytest.mark.parametrize("app_info", [("a b", "1"), ("app",), "app/1", ("app", "1\n")])
def test_bad_app_info_is_refused(app_info):
    with pytest.raises(InvalidArgumentError):
        make_client(app_info=app_info)


def test_results_know_their_answer(rsps):
    client = make_client()
    rsps.add(responses.GET, STATUS_URL, body=body(STATUS_OK), headers=HEADERS)
    rsps.add(responses.POST, EXECUTE_URL, body=body(EXEC_SYNC_SUCCESS), headers=HEADERS)
    rsps.add(responses.GET, JOB_URL, body=body(JOB_PROCESSING), headers=HEADERS)
    status = client.get_workflow_status(WF)
    result = client.execute_workflow(WF)
    job = client.get_job_status(JOB_ID)
    for value in (status, result, job):
        assert value.request_id == "abcd1234"
        assert value.headers["X-REQUEST-ID"] == "abcd1234"  # case-insensitive
        assert "x-ratelimit-limit" in value.headers
    assert result.raw == EXEC_SYNC_SUCCESS
    assert status.raw == STATUS_OK
    assert "raw" not in repr(result)
    assert "abcd1234" not in repr(result)
    with pytest.raises(TypeError):
        status.headers["x-request-id"] = "other"  # type: ignore[index]


def test_job_status_is_the_documented_dict_and_typed(rsps):
    rsps.add(responses.GET, JOB_URL, body=body(JOB_PROCESSING), headers=HEADERS)
    job = make_client().get_job_status(JOB_ID)
    assert isinstance(job, dict)
    assert isinstance(job, JobStatus)
    assert job["status"] == job.status == "processing"
    assert job["metadata"]["duration"] is None  # documented key, present on 2026 servers too
    assert job.task_id == JOB_ID
    assert not job.is_finished
    copy = pickle.loads(pickle.dumps(job))
    assert copy == job
    assert copy.request_id == "abcd1234"
    assert copy.raw == job.raw


def test_with_options_shares_key_and_rate_limit_state_but_not_defaults(rsps):
    sleeps = []
    client = make_client(sleeps, timeout=30)
    quick = client.with_options(timeout=2, max_retries=0, headers={"X-From": "copy"})
    rsps.add(responses.GET, STATUS_URL, body=body({"error": "busy"}), status=503)
    with pytest.raises(Exception):  # noqa: B017 - any error: the copy must not retry
        quick.get_workflow_status(WF)
    assert sleeps == []
    rsps.add(responses.GET, STATUS_URL, body=body(STATUS_OK), headers=HEADERS)
    quick.get_workflow_status(WF)
    assert client.get_rate_limit_info().limit == 60  # state is shared
    client.set_api_key("sk-sim-NEW")
    rsps.add(responses.GET, STATUS_URL, body=body(STATUS_OK))
    quick.get_workflow_status(WF)
    sent = rsps.calls[-1].request.headers
    assert (sent["X-API-Key"], sent["X-From"]) == ("sk-sim-NEW", "copy")


def test_with_options_timeout_is_used(rsps):
    seen = []

    def callback(request):
        seen.append(request.req_kwargs["timeout"])
        return 200, {}, body(STATUS_OK)

    rsps.add_callback(responses.GET, STATUS_URL, callback=callback)
    client = make_client()
    client.with_options(timeout=(1, 2)).get_workflow_status(WF)
    client.get_workflow_status(WF)
    assert seen == [(1.0, 2.0), (10.0, 30.0)]


def test_closing_a_copy_leaves_the_original_open(rsps):
    client = make_client()
    copy = client.with_options(timeout=5)
    copy.close()
    with pytest.raises(ConfigurationError):
        copy.get_workflow_status(WF)
    rsps.add(responses.GET, STATUS_URL, body=body(STATUS_OK))
    assert client.get_workflow_status(WF).is_deployed
    client.close()
    with pytest.raises(ConfigurationError):
        client.with_options().get_workflow_status(WF)


def test_client_retry_policy_drives_read_retries(rsps):
    sleeps = []
    policy = RetryPolicy(max_retries=3, initial_delay=0.1, max_delay=1.0, jitter=0)
    client = make_client(sleeps, retry=policy)
    for _ in range(3):
        rsps.add(responses.GET, STATUS_URL, body=body({"error": "busy"}), status=502)
    rsps.add(responses.GET, STATUS_URL, body=body(STATUS_OK))
    client.get_workflow_status(WF)
    assert sleeps == [0.1, 0.2, 0.4]


def test_max_retries_overrides_the_policy_count(rsps):
    sleeps = []
    client = make_client(sleeps, retry=RetryPolicy(max_retries=5), max_retries=1)
    rsps.add(responses.GET, STATUS_URL, body=body({"error": "busy"}), status=502)
    rsps.add(responses.GET, STATUS_URL, body=body({"error": "busy"}), status=502)
    with pytest.raises(Exception):  # noqa: B017
        client.get_workflow_status(WF)
    assert len(sleeps) == 1


def test_execute_with_retry_accepts_a_policy(rsps):
    sleeps = []
    client = make_client(sleeps)
    rsps.add(responses.POST, EXECUTE_URL, body=body({"error": "slow"}), status=429)
    rsps.add(responses.POST, EXECUTE_URL, body=body(EXEC_SYNC_SUCCESS))
    result = client.execute_with_retry(WF, retry=RetryPolicy(initial_delay=0.01, jitter=0))
    assert result.success
    assert sleeps == [0.01]


def test_a_mistyped_keyword_names_the_client():
    with pytest.raises(TypeError) as info:
        SimStudioClient(api_key=KEY, base_ulr=BASE)  # type: ignore[call-arg]
    message = str(info.value)
    assert "base_ulr" in message
    assert "Base" not in message  # no internal base class (the 1.0 client said BaseClient)
    if sys.version_info >= (3, 10):  # older Pythons name only "__init__()"
        assert "SimStudioClient.__init__()" in message


def test_errors_carry_the_answers_headers_without_the_key(rsps):
    from simstudio import NotFoundError

    rsps.add(
        responses.GET,
        STATUS_URL,
        body=body({"error": "Workflow not found"}),
        status=404,
        headers={"x-request-id": "err00001", "X-Echo-Key": f"key={KEY}", "Retry-After": "3"},
    )
    with pytest.raises(NotFoundError) as info:
        make_client().get_workflow_status(WF)
    error = info.value
    assert error.headers["X-REQUEST-ID"] == "err00001" == error.request_id
    assert error.headers["x-echo-key"] == "key=[redacted]"
    assert KEY not in repr(dict(error.headers))
    copy = pickle.loads(pickle.dumps(error))
    assert copy.headers == error.headers
