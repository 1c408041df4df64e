"""StreamText: the streamed text kept once per block, compactly, up to a cap."""

from __future__ import annotations

import tracemalloc

from simstudio._streaming.text import DEFAULT_MAX_TEXT_CHARS, StreamText


def test_text_per_block_and_whole() -> None:
    text = StreamText()
    text.add("a", "One")
    text.add("b", "\n\nTwo")
    text.add("b", " more")
    text.add("a", " again")
    assert text.block_texts() == {"a": "One again", "b": "Two more"}
    assert text.text == "One again\n\nTwo more"  # block after block
    assert text.truncated is False


def test_first_block_keeps_a_leading_blank_line_and_later_blocks_without_one_get_none() -> None:
    text = StreamText()
    text.add("a", "\n\nstarts blank")
    text.add("b", "no separator")
    assert text.block_texts() == {"a": "\n\nstarts blank", "b": "no separator"}
    assert text.text == "\n\nstarts blankno separator"


def test_reset_discards_a_block_and_frees_its_share_of_the_cap() -> None:
    text = StreamText(max_chars=10)
    text.add("a", "draft-----")
    text.reset("a")
    text.reset("unknown")
    text.add("b", "\n\nother")
    text.add("a", "final")
    assert text.block_texts() == {"a": "final", "b": "other"}
    assert text.truncated is False


def test_cap_keeps_exactly_max_chars_then_nothing() -> None:
    text = StreamText(max_chars=5)
    text.add("a", "abc")
    text.add("a", "defg")
    text.add("b", "hij")
    assert text.text == "abcde"
    assert text.truncated is True


def test_default_cap_is_16_mi_characters() -> None:
    assert DEFAULT_MAX_TEXT_CHARS == 16 * 1024 * 1024


def test_reading_the_text_twice_returns_the_same_string() -> None:
    text = StreamText()
    for _ in range(3000):
        text.add("a", "tok ")
    first = text.block_texts()["a"]
    assert first == "tok " * 3000
    assert text.block_texts()["a"] is first  # held once, not joined again
    assert text.text is first  # one block without a separator: the same string


def test_many_small_chunks_cost_about_their_text() -> None:
    text = StreamText(max_chars=None)
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for i in range(100_000):  # 400 KB of text in 4-character tokens, each a new str
        text.add("a", f"t{i % 10}k ")
    grown = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    # One str kept per chunk would hold about 100_000 x 60 bytes = 6 MB.
    assert grown < 1_000_000
    assert text.text == "".join(f"t{i % 10}k " for i in range(100_000))
