// The page: submit a message, then watch the workflow's events arrive over an EventSource.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const form = $("run-form");
  const button = $("run");
  const answer = $("answer");
  let current = null; // the run being watched: { close() }

  function setState(state, status) {
    document.body.dataset.state = state;
    $("status").textContent = status;
    button.disabled = state === "starting" || state === "running" || state === "reconnecting";
  }

  function showError(message) {
    $("error-text").textContent = message;
    $("error").hidden = false;
  }

  // Chromium keeps a page with an open EventSource in its back/forward cache, connection and
  // all: close the stream when the page is hidden, so the server sees the browser go away.
  window.addEventListener("pagehide", () => { if (current) current.leave(); });

  fetch("/config")
    .then((response) => response.json())
    .then((config) => {
      $("workflow").textContent = config.workflow_id;
      $("backend").textContent = config.backend || "Sim";
    })
    .catch(() => {});

  form.addEventListener("submit", async (submitEvent) => {
    submitEvent.preventDefault();
    if (current) current.close();
    answer.textContent = "";
    $("result").hidden = true;
    $("output-details").hidden = true;
    $("error").hidden = true;
    setState("starting", "Starting the workflow…");
    let run;
    try {
      const response = await fetch("/runs", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ message: $("message").value }),
      });
      run = await response.json();
      if (!response.ok) throw new Error(run.error || response.statusText);
    } catch (error) {
      setState("error", "The run could not be started.");
      showError(String(error.message || error));
      return;
    }
    watch(run.stream_url);
  });

  function watch(url) {
    const source = new EventSource(url);
    const started = performance.now();
    const blocks = new Map(); // blockId -> text, in arrival order
    let chunks = 0;
    let finished = false;

    const seconds = () => ((performance.now() - started) / 1000).toFixed(1) + " s";
    const progress = () =>
      setState("running", `Streaming… ${chunks} chunk${chunks === 1 ? "" : "s"} · ${seconds()}`);
    const render = () => { answer.textContent = Array.from(blocks.values()).join(""); };

    const ticker = setInterval(() => { if (!finished && chunks) progress(); }, 200);
    current = {
      close() { finished = true; source.close(); clearInterval(ticker); },
      leave() {
        if (finished) return;
        finish("interrupted", "Stopped: the page was left while the workflow was streaming.");
      },
    };

    // Close on the terminal frame: an EventSource whose stream ends reconnects by itself.
    function finish(state, status) {
      finished = true;
      source.close();
      clearInterval(ticker);
      setState(state, status);
    }

    setState("running", "Waiting for the first chunk…");

    source.onmessage = (message) => {
      const text = message.data.trim();
      if (text === '"[DONE]"' || text === "[DONE]") {
        if (!finished) {
          finish("interrupted", "The stream ended without a result.");
          showError("The workflow's stream ended before its final event.");
        }
        return;
      }
      let frame;
      try { frame = JSON.parse(text); } catch (_) { return; }
      if (frame === null || typeof frame !== "object") return;
      const block = frame.blockId || "";
      if (frame.event === "final" || frame.event === "done") {
        const data = frame.event === "final" ? frame.data || {} : frame;
        if (data.success === false) {
          finish("error", "The workflow failed.");
          showError(data.error || "The workflow failed.");
          return;
        }
        finish("done", `Completed · ${chunks} chunk${chunks === 1 ? "" : "s"} · ${seconds()}`);
        $("result-text").textContent = "✓ Workflow completed";
        $("result").hidden = false;
        const output = data.output;
        if (output && typeof output === "object" && Object.keys(output).length) {
          $("output").textContent = JSON.stringify(output, null, 2);
          $("output-details").hidden = false;
        }
      } else if (frame.event === "error") {
        finish("error", "The workflow failed.");
        showError(frame.error || "The workflow failed.");
      } else if (frame.event === "chunk_reset") {
        blocks.set(block, "");
        render();
      } else if (frame.event === "stream_error") {
        showError(`A block's stream failed (the run goes on): ${frame.error}`);
      } else if (typeof frame.chunk === "string") {
        chunks += 1;
        blocks.set(block, (blocks.get(block) || "") + frame.chunk);
        render();
        progress();
      }
    };

    source.onerror = () => {
      if (finished) return;
      if (source.readyState === EventSource.CLOSED) {
        // E.g. the server answered 204 to a reconnect: this run was already streamed.
        finish("interrupted", "The connection closed before the workflow finished.");
        showError("The stream ended before the workflow's final event.");
      } else {
        setState("reconnecting", "Connection lost, reconnecting…");
      }
    };
  }
})();
