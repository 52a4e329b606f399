// The architecture dashboard: asks /dashboard/api/state/ every few seconds and draws it.
// A part that is down is drawn red with its reason; when the state cannot be read, the page
// keeps the last picture and says how old it is.
"use strict";

const REFRESH_MS = 2000;
let lastGood = 0;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key.startsWith("data-")) node.setAttribute(key, value);
    else node[key] = value;
  }
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}

function health(up) {
  return up === true ? "up" : up === false ? "down" : "unknown";
}

function part(name, up, title, details = "", reason = "") {
  return el("div", { class: `part ${health(up)}`, "data-part": name },
    el("strong", {}, title), details ? el("span", { class: "what" }, details) : "",
    el("span", { class: "reason" }, reason || (up === true ? "ok" : up === false ? "down" : "unknown")));
}

function setPart(name, state, okText = "ok") {
  const node = document.querySelector(`[data-part="${name}"]`);
  if (!node || !state) return;
  node.className = `part ${health(state.up)}`;
  node.querySelector(".reason").textContent = state.up ? okText : (state.reason || "unknown");
}

function seconds(value) {
  return value < 1 ? `${Math.round(value * 1000)} ms` : `${value.toFixed(1)} s`;
}

function drawServices(state) {
  const services = document.getElementById("services");
  const queues = document.getElementById("queues");
  const consumers = document.getElementById("consumers");
  services.replaceChildren(); queues.replaceChildren(); consumers.replaceChildren();
  for (const service of state.services) {
    const instances = service.instances.map((i) =>
      part(i.name, i.up, i.name, `:${i.port} · ${i.ms} ms`, i.up ? "serving" : i.reason));
    const breakers = Object.entries(service.state.breakers || {}).map(([dependency, s]) =>
      part(`${service.name}-breaker-${dependency}`, s === "closed", `circuit → ${dependency}`, "", s));
    const reachable = service.state.reachable;
    services.append(el("div", { class: "service", "data-service": service.name },
      el("h2", {}, service.name, reachable ? "" : el("span", { class: "muted" }, ` · status: ${service.state.reason}`)),
      el("div", { class: "row" }, ...instances),
      el("div", { class: "row" }, part(`${service.name}-db`, service.database.up, `database shop_${service.name}`, "PostgreSQL",
        service.database.up ? "reachable" : service.database.reason), ...breakers)));
    for (const worker of service.workers) {
      if (worker.queue) {
        const q = worker.queue;
        queues.append(part(`queue-${q.name}`, q.consumers > 0, q.name,
          `${q.messages_ready} ready · ${q.messages_unacknowledged} unacked · ${q.consumers} consumer(s)`,
          q.consumers > 0 ? "consumed" : "no consumer"));
      }
    }
    if (service.dead_letter_queue) {
      const d = service.dead_letter_queue;
      queues.append(part(`queue-${service.name}.events.dead`, d.messages_ready === 0, `${service.name}.events.dead`,
        `${d.messages_ready} dead letter(s)`, d.messages_ready === 0 ? "empty" : "dead letters waiting"));
    }
    if (service.relay) {
      const outbox = service.relay.outbox;
      consumers.append(part(service.relay.name, service.relay.up, service.relay.name,
        outbox ? `outbox: ${outbox.pending} pending, oldest ${seconds(outbox.oldest_seconds)}` : "",
        service.relay.up ? "publishing" : service.relay.reason));
    }
    for (const worker of service.workers) {
      consumers.append(part(worker.name, worker.up, worker.name, worker.queue ? `consumes ${worker.queue.name}` : "",
        worker.up ? "consuming" : worker.reason));
    }
  }
}

function drawOrders(orders) {
  const saga = orders.saga || {};
  document.getElementById("saga-p50").textContent = saga.p50_ms ?? "–";
  document.getElementById("saga-p99").textContent = saga.p99_ms ?? "–";
  document.getElementById("saga-count").textContent = saga.settled_last_5_min ?? 0;
  const rows = Object.entries(orders.orders_per_minute || {});
  let total = 0;
  document.getElementById("orders-per-minute").replaceChildren(...rows.map(([minute, counts]) => {
    total += Object.values(counts).reduce((a, b) => a + b, 0);
    return el("tr", {}, el("td", {}, minute), ...["CONFIRMED", "REJECTED", "CANCELLED", "PENDING"].map((s) => el("td", {}, counts[s] || 0)));
  }));
  document.getElementById("orders-last-10-min").textContent = total;
  document.getElementById("orders-confirmed").textContent = (orders.orders_by_status || {}).CONFIRMED || 0;
}

function drawDeadLetters(state) {
  const rows = [];
  for (const service of state.services) {
    for (const letter of (service.state.dead_letters || {}).latest || []) {
      const button = el("button", { class: "small", type: "button" }, "Replay");
      button.addEventListener("click", () => replay(service.name, letter.id, button));
      rows.push(el("tr", { "data-event-id": letter.event_id }, el("td", {}, service.name), el("td", {}, letter.event_type),
        el("td", {}, letter.error), el("td", {}, new Date(letter.failed_at).toLocaleTimeString()), el("td", {}, button)));
    }
  }
  document.getElementById("dead-letters").replaceChildren(
    ...(rows.length ? rows : [el("tr", {}, el("td", { colSpan: 5, class: "muted" }, "none"))]));
}

function drawRestarts(watchdog) {
  const items = (watchdog.restarts || []).slice().reverse().map((r) =>
    el("li", {}, `${new Date(r.at * 1000).toLocaleTimeString()} ${r.process}: ${r.reason}`));
  document.getElementById("restarts").replaceChildren(...(items.length ? items : [el("li", { class: "muted" }, "none")]));
}

function draw(state) {
  drawServices(state);
  setPart("gateway", state.gateway, "serving this page");
  setPart("broker", state.broker, "reachable");
  setPart("watchdog", state.watchdog, "watching");
  setPart("flower", state.flower, "running");
  drawOrders(state.orders);
  drawDeadLetters(state);
  drawRestarts(state.watchdog);
}

async function refresh() {
  const freshness = document.getElementById("freshness");
  try {
    const response = await fetch("/dashboard/api/state/", { headers: { Accept: "application/json" }, credentials: "same-origin" });
    if (!response.ok) throw new Error(`the state answered ${response.status}`);
    draw(await response.json());
    lastGood = Date.now();
    freshness.className = "muted";
    freshness.textContent = `Live: updated ${new Date(lastGood).toLocaleTimeString()}, every ${REFRESH_MS / 1000} s.`;
  } catch (error) {
    freshness.className = "stale";
    freshness.textContent = `Could not refresh (${error.message}); ` +
      (lastGood ? `showing what was seen at ${new Date(lastGood).toLocaleTimeString()}.` : "retrying.");
  } finally {
    setTimeout(refresh, REFRESH_MS);
  }
}

function csrfToken() {
  return document.querySelector('meta[name="csrf-token"]').content;
}

async function replay(service, id, button) {
  button.disabled = true;
  const result = document.getElementById("replay-result");
  const response = await fetch(`/dashboard/api/dead-letters/${service}/${id}/replay/`, {
    method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
  });
  const body = await response.json().catch(() => ({}));
  result.textContent = response.ok ? `Replayed ${body.event_type} ${body.replayed}.` : `Replay refused (${response.status}).`;
}

async function trace(event) {
  event.preventDefault();
  const id = document.getElementById("trace-id").value.trim();
  const summary = document.getElementById("trace-summary");
  const body = document.querySelector("#trace tbody");
  const response = await fetch(`/dashboard/api/trace/?id=${encodeURIComponent(id)}`, { headers: { Accept: "application/json" }, credentials: "same-origin" });
  const found = await response.json().catch(() => ({}));
  if (!response.ok) {
    summary.textContent = found.error ? found.error.message : `The trace answered ${response.status}.`;
    body.replaceChildren();
    return;
  }
  const services = [...new Set(found.story.map((s) => s.service))];
  summary.textContent = found.story.length
    ? `${found.story.length} spans across ${services.join(", ")}.`
    : "Nothing traced mentions this id (yet).";
  body.replaceChildren(...found.story.map((s) => el("tr", { class: s.status === "ERROR" ? "down" : "" },
    el("td", {}, s.at_ms), el("td", { "data-service": s.service }, s.service),
    el("td", { class: `depth-${Math.min(s.depth, 3)}` }, s.what), el("td", {}, s.took_ms === null ? "" : `${s.took_ms} ms`),
    el("td", {}, Object.entries(s.facts).map(([k, v]) => `${k}=${v}`).join(" ")))));
}

document.getElementById("trace-form").addEventListener("submit", trace);
refresh();
