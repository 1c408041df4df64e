"""``simstudio kb``: knowledge bases from the command line: list, create, upload, docs, search."""

from __future__ import annotations

import argparse
from typing import Any, Dict

from ... import SimStudioClient
from .._options import seconds
from .._output import EXIT_OK, UsageError, as_plain, emit_json, out
from .._parser import Commands
from .._remote import open_client

__all__ = ["register"]

_TRUE = {"true", "yes", "1"}
_FALSE = {"false", "no", "0"}


def _tag(text: str) -> str:
    if "=" not in text or not text.split("=", 1)[0].strip():
        raise argparse.ArgumentTypeError(f"{text!r} is not NAME=VALUE")
    return text


def _top_k(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 100:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number from 1 to 100")
    return int(text)


def _common(parser: argparse.ArgumentParser, tags: bool = False) -> None:
    parser.add_argument("--workspace-id", metavar="ID",
                        help="the workspace (default: $SIM_WORKSPACE_ID, or the key's own)")
    if tags:
        parser.add_argument("--tag", action="append", default=[], type=_tag, metavar="NAME=VALUE",
                            help="a tag by display name (repeatable; several must all match)")


def register(commands: Commands) -> None:
    """Add ``kb`` and its subcommands."""
    kb = commands.group("kb", summary="knowledge bases: list, create, upload, docs, search")
    listing = kb.add("list", cmd_list, summary="list the workspace's knowledge bases")
    listing.add_argument("--search", metavar="TEXT", help="only names containing TEXT")
    _common(listing)
    create = kb.add("create", cmd_create, summary="create a knowledge base")
    create.add_argument("name", metavar="NAME")
    create.add_argument("--description", metavar="TEXT")
    _common(create)
    upload = kb.add("upload", cmd_upload, summary="upload a document, tagged by display name")
    upload.add_argument("kb", metavar="KB")
    upload.add_argument("file", metavar="FILE")
    upload.add_argument("--filename", metavar="NAME", help="the document's name (default: FILE's)")
    upload.add_argument("--wait", action="store_true", help="wait until it is processed")
    upload.add_argument("--wait-timeout", type=seconds, default=600.0, metavar="SECONDS",
                        help="give up waiting after this long (default 600)")
    _common(upload, tags=True)
    docs = kb.add("docs", cmd_docs, summary="list a knowledge base's documents")
    docs.add_argument("kb", metavar="KB")
    docs.add_argument("--search", metavar="TEXT", help="only file names containing TEXT")
    _common(docs, tags=True)
    search = kb.add("search", cmd_search, summary="search: by tags, by a query, or both")
    search.add_argument("kb", metavar="KB")
    search.add_argument("query", metavar="QUERY", nargs="?")
    search.add_argument("--top-k", type=_top_k, default=10, metavar="N",
                        help="at most N hits, 1-100 (default 10)")
    search.add_argument("--hybrid", action="store_true", help="add a full-text leg to the query")
    search.add_argument("--min-similarity", type=float, metavar="X",
                        help="drop hits below this similarity (applied by the SDK)")
    _common(search, tags=True)


def _pairs(args: argparse.Namespace) -> Dict[str, str]:
    return dict(item.split("=", 1) for item in args.tag)


def _typed(client: SimStudioClient, args: argparse.Namespace) -> Dict[str, Any]:
    """``--tag`` values converted to their tags' types (number, boolean) for an upload."""
    pairs = _pairs(args)
    if not pairs:
        return {}
    kinds = {d.display_name: d.field_type
             for d in client.knowledge.tags(args.kb, workspace_id=args.workspace_id)}
    return {name: _convert(name, kinds.get(name, "text"), value) for name, value in pairs.items()}


def _convert(name: str, kind: str, value: str) -> Any:
    if kind == "number":
        try:
            number = float(value)
        except ValueError:
            raise UsageError(f"--tag {name}: {value!r} is not a number") from None
        return int(number) if number.is_integer() else number
    if kind == "boolean":
        if value.lower() not in _TRUE | _FALSE:
            raise UsageError(f"--tag {name}: {value!r} is not true or false")
        return value.lower() in _TRUE
    return value


def _tags_text(tags: Dict[str, Any]) -> str:
    return ", ".join(f"{name}={value}" for name, value in tags.items())


def cmd_list(args: argparse.Namespace) -> int:
    """``simstudio kb list``."""
    with open_client(args) as client:
        bases = list(client.knowledge.list(args.workspace_id, search=args.search))
    if args.as_json:
        emit_json(as_plain(bases))
        return EXIT_OK
    for kb in bases:
        out(f"{kb.id}  {kb.name}  ({kb.doc_count if kb.doc_count is not None else '?'} docs)")
    if not bases:
        out("no knowledge bases")
    return EXIT_OK


def cmd_create(args: argparse.Namespace) -> int:
    """``simstudio kb create NAME``."""
    with open_client(args) as client:
        kb = client.knowledge.create(args.name, workspace_id=args.workspace_id,
                                     description=args.description)  # fmt: skip
    if args.as_json:
        emit_json(as_plain(kb))
    else:
        out(f"created knowledge base {kb.id} ({kb.name})")
    return EXIT_OK


def cmd_upload(args: argparse.Namespace) -> int:
    """``simstudio kb upload KB FILE --tag NAME=VALUE``."""
    with open_client(args, polling=args.wait) as client:
        documents = client.knowledge.documents
        document = documents.upload(args.kb, args.file, tags=_typed(client, args) or None,
                                    filename=args.filename,
                                    workspace_id=args.workspace_id)  # fmt: skip
        if args.wait:
            budget, _limited = args.deadline.wait_timeout(args.wait_timeout)
            document = documents.wait(args.kb, document.id, timeout=budget,
                                      workspace_id=args.workspace_id)  # fmt: skip
    if args.as_json:
        emit_json(as_plain(document))
    else:
        out(f"uploaded {document.filename} as document {document.id} "
            f"({document.processing_status})")  # fmt: skip
        if document.tags:
            out(f"tags: {_tags_text(document.tags)}")
    return EXIT_OK


def cmd_docs(args: argparse.Namespace) -> int:
    """``simstudio kb docs KB``."""
    with open_client(args) as client:
        documents = list(client.knowledge.documents.list(
            args.kb, tags=_pairs(args) or None, search=args.search,
            workspace_id=args.workspace_id))  # fmt: skip
    if args.as_json:
        emit_json(as_plain(documents))
        return EXIT_OK
    for doc in documents:
        tags = f"  [{_tags_text(doc.tags)}]" if doc.tags else ""
        disabled = "" if doc.enabled is not False else " disabled"
        out(f"{doc.id}  {doc.filename}  {doc.processing_status}{disabled}{tags}")
    if not documents:
        out("no documents")
    return EXIT_OK


def cmd_search(args: argparse.Namespace) -> int:
    """``simstudio kb search KB [QUERY] --tag NAME=VALUE --top-k N``."""
    with open_client(args) as client:
        results = client.knowledge.search(
            args.kb, args.query, tags=_pairs(args) or None, top_k=args.top_k,
            mode="hybrid" if args.hybrid else "vector", min_similarity=args.min_similarity,
            workspace_id=args.workspace_id,
        )  # fmt: skip
    if args.as_json:
        emit_json(as_plain(results))
        return EXIT_OK
    out(f"{len(results)} hit(s), {results.search_type.replace('_', '-')} search")
    for number, hit in enumerate(results, start=1):
        tags = f"  [{_tags_text(hit.metadata)}]" if hit.metadata else ""
        out(f"{number}. {hit.similarity:.4f}  {hit.document_name}{tags}")
        out(f"   {_excerpt(hit.content)}")
    return EXIT_OK


def _excerpt(text: str, limit: int = 160) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "\u2026"

