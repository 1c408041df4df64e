"""Resource: the small base every resource namespace (``client.<group>``) is built on."""

from __future__ import annotations

from typing import Any, Callable, Optional, Tuple, TypeVar

from .._config import Timeout, resolve_timeout
from .._errors import SimStudioError
from .._polling import poll
from .._requester import Requester
from .._responses import Answer
from .._retry import read_should_retry
from .._versions import workspace_id_for
from ..types._base import APIObject, with_response

__all__ = ["Resource"]

R = TypeVar("R", bound=APIObject)
T = TypeVar("T")


class Resource:
    """A group of related API calls sharing the client's requester (and nothing else of it).

    Each public method reads like a recipe: validate the arguments, send through the
    requester, build the result type from the answer.
    """

    def __init__(self, requester: Requester) -> None:
        self._requester = requester

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self._requester.config.base_url}>"

    def _workspace(self, workspace_id: Optional[str], what: str) -> str:
        """The workspace a call is about (argument, client default, or the key's own)."""
        return workspace_id_for(self._requester, workspace_id, what)

    def _timeouts(self, timeout: Optional[Timeout]) -> Tuple[float, float]:
        """The ``(connect, read)`` pair a call uses."""
        return resolve_timeout(timeout, self._requester.options.timeout)

    def _poll(
        self,
        fetch: Callable[[Tuple[float, float]], Optional[T]],
        is_done: Callable[[T], bool],
        *,
        what: str,
        timeout: float,
        poll_interval: float,
        max_poll_interval: float,
        on_status: Optional[Callable[[T], None]] = None,
        keep_going: Callable[[SimStudioError], bool] = read_should_retry,
    ) -> T:
        """Poll with the client's timeouts and (injectable) clock and sleep; see ``poll``."""
        state = self._requester.state
        return poll(
            fetch,
            is_done,
            what=what,
            timeout=timeout,
            poll_interval=poll_interval,
            max_poll_interval=max_poll_interval,
            read_timeout=self._requester.options.timeout,
            clock=state.clock,
            sleep=state.sleep,
            on_status=on_status,
            keep_going=keep_going,
        )

    @staticmethod
    def _build(build: Callable[[Any], R], answer: Answer) -> R:
        """``build(answer's JSON)``, with the answer's headers attached."""
        return with_response(build(answer.json()), answer.headers)
