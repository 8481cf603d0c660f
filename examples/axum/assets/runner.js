// Runs the cross-origin cases listed in <script id="cases" type="application/json"> one after
// another, records what the browser let the page see, and writes the results twice: as a table
// (for people) and as JSON in <pre id="results"> (for the browser test suite).
"use strict";

async function runFetch(c) {
  const init = { method: c.method, headers: c.headers || {}, credentials: c.credentials || "same-origin" };
  if (c.body !== undefined && c.body !== null) init.body = c.body;
  if (c.mode) init.mode = c.mode;
  const result = { name: c.name, outcome: "allowed", status: null, read: {} };
  for (let i = 0; i < (c.repeat || 1); i++) {
    // A repeat waits a moment, so that the browser has stored the first preflight's answer
    // in its cache before it is asked again.
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, 250));
    const response = await fetch(c.url, init);
    result.status = response.status;
    for (const name of c.read || []) result.read[name] = response.headers.get(name);
    await response.text();
  }
  return result;
}

function runWebSocket(c) {
  return new Promise((resolve) => {
    const result = { name: c.name, outcome: "blocked", status: null, read: {} };
    const socket = new WebSocket(c.url);
    socket.onopen = () => { result.outcome = "allowed"; socket.close(); resolve(result); };
    socket.onerror = () => resolve(result);
  });
}

// An HTML form submitted into a hidden frame, as any site can make a visitor's browser do: the
// page can read nothing of the answer, so the outcome is only "sent" once the frame has loaded it.
function runForm(c) {
  return new Promise((resolve) => {
    const result = { name: c.name, outcome: "sent", status: null, read: {} };
    const frame = document.createElement("iframe");
    frame.name = "form-" + c.name.replace(/[^a-z0-9]/gi, "-");
    document.body.appendChild(frame);
    const form = document.createElement("form");
    form.method = "POST";
    form.action = c.url;
    form.target = frame.name;
    form.enctype = "application/x-www-form-urlencoded";
    const field = document.createElement("input");
    field.name = "field";
    field.value = c.body || "value";
    form.appendChild(field);
    document.body.appendChild(form);
    const timer = setTimeout(() => resolve({ ...result, outcome: "timeout" }), 10000);
    frame.addEventListener("load", () => {
      // The first load may be the frame's initial about:blank; the answer is the next one (a
      // cross-origin answer cannot be looked into at all).
      let blank = false;
      try { blank = frame.contentWindow.location.href === "about:blank"; } catch (_) { /* cross-origin */ }
      if (!blank) { clearTimeout(timer); resolve(result); }
    });
    form.submit();
  });
}

// The same form submitted by a page on another origin, in a frame: this page cannot see that
// frame's requests, so it reads the API's count of writes before and after.
async function runElsewhere(c) {
  const count = async () => (await (await fetch(c.counter)).json()).writes;
  const before = await count();
  await new Promise((resolve) => {
    const timer = setTimeout(resolve, 10000);
    window.addEventListener("message", function done(event) {
      if (event.data !== "done") return;
      window.removeEventListener("message", done);
      clearTimeout(timer);
      resolve();
    });
    const frame = document.createElement("iframe");
    frame.src = c.frame;
    document.body.appendChild(frame);
  });
  const after = await count();
  return { name: c.name, outcome: after > before ? "handled" : "refused", status: null, read: {} };
}

async function runCase(c) {
  try {
    if (c.elsewhere) return await runElsewhere(c);
    if (c.form) return await runForm(c);
    return c.websocket ? await runWebSocket(c) : await runFetch(c);
  } catch (error) {
    return { name: c.name, outcome: "blocked", status: null, read: {}, error: String(error) };
  }
}

function describe(result) {
  const read = Object.entries(result.read).map(([k, v]) => `${k}: ${v === null ? "(hidden)" : v}`);
  return [result.outcome, result.status === null ? "" : `status ${result.status}`, ...read]
    .filter(Boolean).join(", ");
}

function row(table, cells, className) {
  const tr = table.insertRow();
  if (className) tr.className = className;
  for (const text of cells) tr.insertCell().textContent = text;
}

async function main() {
  const cases = JSON.parse(document.getElementById("cases").textContent);
  const results = [];
  const table = document.getElementById("table");
  for (const c of cases) {
    const result = await runCase(c);
    results.push(result);
    if (table && c.expect) {
      const agrees = describe(result) === describe({ ...result, ...c.expect });
      row(table, [c.name, c.what, describe(result), describe({ ...result, ...c.expect }), agrees ? "yes" : "NO"],
        agrees ? "agree" : "disagree");
    }
  }
  const out = document.createElement("pre");
  out.id = "results";
  out.textContent = JSON.stringify(results);
  document.body.appendChild(out);
  document.title = "done";
  // A page run in a frame (the demo's other site) tells the page around it.
  if (window.parent !== window) window.parent.postMessage("done", "*");
}

main();
