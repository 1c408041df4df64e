"""StreamText: a stream's text kept once, per block, compactly, up to a cap (no I/O)."""

from __future__ import annotations

from typing import Dict, List, Optional

__all__ = ["DEFAULT_MAX_TEXT_CHARS", "StreamText"]

#: Default cap on the streamed text a stream keeps (characters; 16 MiB of ASCII text).
DEFAULT_MAX_TEXT_CHARS = 16 * 1024 * 1024
# Model output arrives a few characters per chunk, and a str costs ~50 bytes plus its text:
# small chunks are joined into one piece once this many characters (or chunks) pile up.
_PIECE_CHARS = 64 * 1024
_PIECE_CHUNKS = 1024
_SEPARATOR = "\n\n"


class _Block:
    """The text of one block: joined pieces, then the chunks received since the last join."""

    __slots__ = ("chars", "pieces", "recent", "recent_chars", "separated")

    def __init__(self) -> None:
        self.pieces: List[str] = []
        self.recent: List[str] = []
        self.recent_chars = 0
        self.chars = 0
        self.separated: Optional[bool] = None  # whether Sim sent "\n\n" first; None: no chunk yet

    def add(self, text: str) -> None:
        self.recent.append(text)
        self.recent_chars += len(text)
        self.chars += len(text)
        if self.recent_chars >= _PIECE_CHARS or len(self.recent) >= _PIECE_CHUNKS:
            self.pieces.append("".join(self.recent))
            self.recent = []
            self.recent_chars = 0

    def text(self) -> str:
        """The block's text; afterwards it is held as that one string (no second copy)."""
        joined = "".join(self.pieces + self.recent)
        self.pieces = [joined]
        self.recent = []
        self.recent_chars = 0
        return joined


class StreamText:
    """Collects the text chunks of a stream.

    Each block's text is kept once (``text`` and ``block_texts`` are built from the same
    pieces), with Sim's ``"\\n\\n"`` separator in front of every block after the first
    removed (and restored in :attr:`text`). Collection stops at ``max_chars`` characters in
    all; :attr:`truncated` then says so.

    Args:
        max_chars: Most characters kept; ``None`` for no limit.
    """

    def __init__(self, max_chars: Optional[int] = DEFAULT_MAX_TEXT_CHARS) -> None:
        self._blocks: Dict[str, _Block] = {}
        self._max = max_chars
        self._chars = 0
        self.truncated = False

    def add(self, block_id: str, chunk: str) -> None:
        """Keep ``chunk`` of ``block_id`` (unless the cap was reached)."""
        if self.truncated or not chunk:
            return
        block = self._blocks.get(block_id)
        if block is None:
            block = self._blocks[block_id] = _Block()
        if block.separated is None:
            block.separated = len(self._blocks) > 1 and chunk.startswith(_SEPARATOR)
            if block.separated:
                chunk = chunk[len(_SEPARATOR) :]
        if self._max is not None and self._chars + len(chunk) > self._max:
            chunk = chunk[: self._max - self._chars]
            self.truncated = True
        self._chars += len(chunk)
        block.add(chunk)

    def reset(self, block_id: str) -> None:
        """Discard ``block_id``'s text so far (a ``chunk_reset`` frame)."""
        block = self._blocks.get(block_id)
        if block is not None:
            self._chars -= block.chars
            self._blocks[block_id] = _Block()

    @property
    def text(self) -> str:
        """All kept text, block after block, each block after the first preceded by ``"\\n\\n"``
        when Sim sent it so."""
        parts: List[str] = []
        for block in self._blocks.values():
            if block.separated:
                parts.append(_SEPARATOR)
            parts.append(block.text())
        return "".join(parts)

    def block_texts(self) -> Dict[str, str]:
        """The kept text per block id, without separators."""
        return {block_id: block.text() for block_id, block in self._blocks.items()}
