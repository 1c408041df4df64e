"""docs/knowledge.md: its Python blocks run, in order, as one script against the local server."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

PAGE = Path(__file__).resolve().parent.parent / "docs" / "knowledge.md"


def test_the_pages_examples_run_in_order(tmp_path: Path) -> None:
    text = PAGE.read_text(encoding="utf-8")
    blocks = re.findall(r"^```python\n(.*?)^```", text, re.MULTILINE | re.DOTALL)
    assert len(blocks) >= 8
    script = tmp_path / "knowledge_page.py"
    script.write_text("\n".join(blocks), encoding="utf-8")
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=60, check=False, cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert "1.0 api-de.md {'topic': 'api', 'lang': 'de'}" in lines  # tag-only
    assert "combined ['api-en.md']" in lines
    assert "['billing.md']" in lines  # the three filters of the operators example
    assert "1 1" in lines  # total_results, then the hits past min_similarity
    assert "['api-en.md', 'api-de.md'] more" in lines
    assert any(line.startswith("completed 1 {'topic': 'billing', 'lang': 'en', 'priority': 2")
               for line in lines)  # fmt: skip
