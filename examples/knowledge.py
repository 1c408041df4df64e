"""Knowledge bases: upload tagged documents, wait for them, search in Sim's three modes.

Tags are written and filtered by their display names (``topic``, ``lang``, ``priority``); the
SDK maps them to the knowledge base's slots. Text tags can be set with any key; number, date
and boolean tags need a **personal** API key (Sim refuses workspace keys for them).

Offline, the embedded local server defines the tags (Sim's public API cannot: use its UI).
Against your deployment set ``SIM_KB_ID`` to a knowledge base that defines ``topic`` and
``lang`` (text) and ``priority`` (number), ``SIM_API_KEY`` to a personal key and
``SIM_WORKSPACE_ID`` to its workspace; the documents uploaded here are deleted at the end.

Run: python examples/knowledge.py
"""

import os

import _local

from simstudio import SimStudioClient, TagFilter

server = _local.use_local_server_unless_configured(processing_delay=0.05)

DOCUMENTS = {
    "billing-en.md": ("Billing invoices are sent monthly. Refunds for billing errors are "
                      "issued within five days.",
                      {"topic": "billing", "lang": "en", "priority": 3}),
    "billing-de.md": ("Rechnungen werden monatlich versendet. Billing Rechnung Erstattung.",
                      {"topic": "billing", "lang": "de", "priority": 2}),
    "api-en.md": ("The REST API uses API keys for authentication. Rate limits apply per key.",
                  {"topic": "api", "lang": "en", "priority": 5}),
}  # fmt: skip


def show(title, results):
    print(f"{title}: {len(results)} hit(s) ({results.search_type})")
    for hit in results:
        tags = ", ".join(f"{k}={v}" for k, v in hit.metadata.items())
        print(f"  {hit.similarity:.3f}  {hit.document_name}  [{tags}]")


key = server.personal_key if server else os.getenv("SIM_API_KEY")
workspace = server.workspace_id if server else os.getenv("SIM_WORKSPACE_ID")
with SimStudioClient(api_key=key, workspace_id=workspace) as client:
    if server:
        kb = client.knowledge.create("Handbook", description="examples/knowledge.py").id
        for name, kind in (("topic", "text"), ("lang", "text"), ("priority", "number")):
            server.define_tag(kb, name, kind)  # what Sim's UI does
    else:
        kb = os.environ["SIM_KB_ID"]
    print("tags:", ", ".join(f"{d.display_name} ({d.field_type}, {d.slot})"
                             for d in client.knowledge.tags(kb)))  # fmt: skip

    uploaded = []
    for filename, (text, tags) in DOCUMENTS.items():
        document = client.knowledge.documents.upload(kb, text.encode(), filename=filename,
                                                     tags=tags)  # fmt: skip
        uploaded.append(document.id)
    for doc_id in uploaded:
        document = client.knowledge.documents.wait(kb, doc_id, poll_interval=0.1)
        print(f"processed {document.filename}: {document.processing_status}, "
              f"{document.chunk_count} chunk(s)")  # fmt: skip

    # 1. Tags only: a filter, no ranking; every hit has similarity 1. Values ignore case.
    show("tag-only", client.knowledge.search(kb, tags={"topic": "BILLING"}))
    # 2. A query only: ranked by cosine similarity.
    show("vector", client.knowledge.search(kb, "billing invoices refunds"))
    # 3. Both: the tags select the chunks, the query ranks them. Conditions are ANDed.
    show("combined", client.knowledge.search(
        kb, "billing", tags={"lang": "de"}, filters=[TagFilter("priority", "lte", 2)]))

    for doc_id in uploaded:
        client.knowledge.documents.delete(kb, doc_id)
    if server:
        client.knowledge.delete(kb)
    print(f"deleted {len(uploaded)} document(s)")
