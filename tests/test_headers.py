"""Headers: a read-only, case-insensitive, picklable mapping."""

from __future__ import annotations

import pickle

import pytest

from simstudio._headers import Headers


def test_case_insensitive_read_only_and_picklable():
    headers = Headers({"X-Request-Id": "r1", "Content-Type": "application/json"})
    assert headers["x-request-id"] == headers["X-REQUEST-ID"] == "r1"
    assert "content-type" in headers
    assert 3 not in headers
    assert list(headers) == ["X-Request-Id", "Content-Type"]
    assert len(headers) == 2
    assert headers == {"x-request-id": "r1", "content-type": "application/json"}
    assert pickle.loads(pickle.dumps(headers)) == headers
    with pytest.raises(TypeError):
        headers["x"] = "y"  # type: ignore[index]
    with pytest.raises(TypeError):
        hash(headers)
    assert "r1" in repr(headers)
