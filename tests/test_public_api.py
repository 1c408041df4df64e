"""The curated public API: exports, docstrings, the Client alias, py.typed and the version."""

from __future__ import annotations

import inspect
import re
import sys
from pathlib import Path

import simstudio

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = Path(simstudio.__file__).resolve().parent

CURATED = [
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "ApiError",
    "AsyncExecutionResult",
    "AuthenticationError",
    "BadRequestError",
    "BatchItem",
    "BatchResult",
    "CancelResult",
    "ChunkingConfig",
    "Client",
    "ConfigurationError",
    "ConflictError",
    "DeletedFolder",
    "Deployment",
    "Document",
    "ExecutionDetails",
    "ExecutionError",
    "ExecutionSnapshot",
    "Folder",
    "InvalidArgumentError",
    "InvalidRequestError",
    "InvalidResponseError",
    "JobStatus",
    "KnowledgeBase",
    "LogEntry",
    "LogWorkflow",
    "McpServer",
    "McpTool",
    "Member",
    "NotFoundError",
    "Page",
    "Paginator",
    "PausedExecution",
    "Permission",
    "PermissionDeniedError",
    "PromotionReport",
    "PromotionStep",
    "RateLimitError",
    "RateLimitInfo",
    "RedirectError",
    "RequestTimeoutError",
    "RetryPolicy",
    "SearchHit",
    "SearchResults",
    "ServerError",
    "ServiceUnavailableError",
    "SimStudioClient",
    "SimStudioError",
    "StreamError",
    "StreamEvent",
    "StreamIncompleteError",
    "TagDefinition",
    "TagFilter",
    "TraceSpan",
    "UsageLimitError",
    "UsageLimits",
    "Workflow",
    "WorkflowExecutionResult",
    "WorkflowRun",
    "WorkflowStatus",
    "WorkflowStream",
    "WorkflowVersion",
    "Workspace",
    "__version__",
    "promote",
]

DOCUMENTED_METHODS = [
    "execute_workflow",
    "execute_workflow_sync",
    "execute_with_retry",
    "get_workflow_status",
    "validate_workflow",
    "get_job_status",
    "get_rate_limit_info",
    "get_usage_limits",
    "set_api_key",
    "set_base_url",
    "close",
    "__enter__",
    "__exit__",
]


def test_all_is_exactly_the_curated_list():
    assert simstudio.__all__ == CURATED
    assert sorted(simstudio.__all__) == simstudio.__all__
    assert len(set(simstudio.__all__)) == len(simstudio.__all__)


def test_every_exported_name_exists():
    for name in simstudio.__all__:
        assert hasattr(simstudio, name), name


def test_no_other_public_names_leak():
    public = {n for n in vars(simstudio) if not n.startswith("_")}
    allowed = set(CURATED) | {"annotations"}
    extra = {n for n in public - allowed if not inspect.ismodule(getattr(simstudio, n))}
    assert extra == set()


def test_every_public_name_has_a_docstring():
    for name in simstudio.__all__:
        if name == "__version__":
            continue
        obj = getattr(simstudio, name)
        assert inspect.getdoc(obj), name
        if inspect.isclass(obj):
            for attr, member in vars(obj).items():
                if attr.startswith("_") or (
                    not callable(member) and not isinstance(member, property)
                ):
                    continue
                target = member.fget if isinstance(member, property) else member
                target = getattr(target, "__func__", target)
                assert inspect.getdoc(target), f"{name}.{attr}"


def test_client_methods_are_documented_and_public():
    for method in DOCUMENTED_METHODS:
        assert callable(getattr(simstudio.SimStudioClient, method)), method
        if not method.startswith("__"):
            assert inspect.getdoc(getattr(simstudio.SimStudioClient, method)), method


def test_documented_signatures():
    params = inspect.signature(simstudio.SimStudioClient.__init__).parameters
    assert list(params)[1:3] == ["api_key", "base_url"]
    execute = inspect.signature(simstudio.SimStudioClient.execute_workflow).parameters
    assert list(execute)[1:7] == [
        "workflow_id",
        "input_data",
        "timeout",
        "stream",
        "selected_outputs",
        "async_execution",
    ]
    retry = inspect.signature(simstudio.SimStudioClient.execute_with_retry).parameters
    assert retry["max_retries"].default == 3
    assert retry["initial_delay"].default == 1.0
    assert retry["max_delay"].default == 30.0
    assert retry["backoff_multiplier"].default == 2.0
    for name in ("get_workflow_status", "validate_workflow"):
        assert (
            "workflow_id" in inspect.signature(getattr(simstudio.SimStudioClient, name)).parameters
        )
    assert "task_id" in inspect.signature(simstudio.SimStudioClient.get_job_status).parameters


def test_client_alias():
    assert simstudio.Client is simstudio.SimStudioClient


def test_py_typed_ships():
    assert (PACKAGE / "py.typed").is_file()
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    # The wheel packages the whole simstudio directory, so py.typed goes with it.
    assert re.search(r'packages\s*=\s*\[\s*"simstudio"\s*\]', pyproject)


def _load_pyproject():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    if sys.version_info >= (3, 11):
        import tomllib

        return tomllib.loads(text)
    return None


def test_version_matches_pyproject_dynamic_source():
    data = _load_pyproject()
    if data is not None:
        assert "version" in data["project"]["dynamic"]
        assert "version" not in data["project"]
        source = data["tool"]["hatch"]["version"]["path"]
    else:
        text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
        source = re.search(r'\[tool\.hatch\.version\]\s*path\s*=\s*"([^"]+)"', text).group(1)
    version_file = (ROOT / source).read_text(encoding="utf-8")
    declared = re.search(r'^__version__\s*=\s*["\']([^"\']+)["\']', version_file, re.M).group(1)
    assert simstudio.__version__ == declared
    assert re.fullmatch(r"\d+\.\d+\.\d+([ab]|rc)?\d*", simstudio.__version__)


def test_user_agent_uses_version():
    from simstudio._config import USER_AGENT

    assert f"simstudio-python/{simstudio.__version__}" == USER_AGENT


def test_library_logger_is_silent_by_default():
    import logging

    handlers = logging.getLogger("simstudio").handlers
    assert any(isinstance(h, logging.NullHandler) for h in handlers)


# Methods that send nothing (configuration, local state) take no per-call options.
_LOCAL_METHODS = {
    "SimStudioClient": {
        "close",
        "get_rate_limit_info",
        "set_api_key",
        "set_base_url",
        "with_options",
    },
    "Usage": {"rate_limit"},
}


def test_every_method_that_sends_takes_timeout_and_extra_headers():
    import simstudio.resources

    classes = [simstudio.SimStudioClient] + [
        getattr(simstudio.resources, name) for name in simstudio.resources.__all__
    ]
    missing = []
    for cls in classes:
        for name, function in inspect.getmembers(cls, inspect.isfunction):
            if name.startswith("_") or name in _LOCAL_METHODS.get(cls.__name__, set()):
                continue
            parameters = inspect.signature(function).parameters
            for option in ("timeout", "extra_headers"):
                if option not in parameters:
                    missing.append(f"{cls.__name__}.{name}: {option}")
    assert missing == []
