/*
 * The reviewer's visit record on a tablet with weak Wi-Fi: every change saved as it is made,
 * nothing lost when the connection drops, the tablet sleeps or the page is reloaded.
 *
 * - Each change (a finding, an evidence entry) is queued about 600 ms after the last
 *   keystroke. The queue lives in localStorage (one key per review and reviewer), so it
 *   survives a reload and the tablet going to sleep. Changes to the same part coalesce in
 *   the save not yet sent, keeping the earliest base (the version this tablet last saw).
 * - One save is in flight at a time, in order. A save's id is made once and reused on every
 *   retry, so a save that reached the server but whose answer was lost is not applied twice.
 *   Its bases are fixed when it is first sent.
 * - On a network failure the queue is kept and retried with backoff, when the browser says it
 *   is online again and every 5 seconds.
 * - 200: versions updated, the save leaves the queue. 409 conflict: nothing in the save was
 *   applied; the parts that conflict show the server's newer text, with this tablet's own text
 *   beside it and a button to use it instead (re-sent on the new base); the rest is re-sent.
 *   400: the error is shown and the bad change dropped (its text stays in the field).
 *   401/403: "signed out", the queue kept. A refused CSRF token is fetched afresh.
 * - On load, changes left in the queue by an earlier visit are put back on the form first
 *   (they are newer than the page) and sent.
 * Without scripts the page is one ordinary form with a Save button.
 */
(function () {
  "use strict";

  var form = document.querySelector("[data-record-form]");
  if (!form || !window.fetch || !window.JSON || !document.querySelector("template")) {
    return;
  }

  var DEBOUNCE_MS = 600;
  var RETRY_EVERY_MS = 5000;
  var MAX_BACKOFF_MS = 5000;
  var REQUEST_TIMEOUT_MS = 20000;
  var MAX_CHANGES_PER_SAVE = 100;
  var MAX_CHARS_PER_SAVE = 200000; // the server refuses a save over 2 MB
  var STORE_VERSION = 1;
  var ENTRY_FIELDS = ["activity", "who", "host_partner", "notes", "theme"];

  var words = JSON.parse(document.getElementById("record-words").textContent);
  var server = JSON.parse(document.getElementById("record-state").textContent);
  var saveUrl = form.getAttribute("data-save-url");
  var tokenUrl = form.getAttribute("data-token-url");
  var signInUrl = form.getAttribute("data-sign-in-url");
  var storageKey = form.getAttribute("data-storage-key");
  var tokenInput = form.querySelector("input[name=csrf_token]");
  var template = document.getElementById("entry-template");
  var bar = document.querySelector("[data-save-bar]");
  var statusLine = document.querySelector("[data-save-status]");
  var statusActions = document.querySelector("[data-save-actions]");

  // --- storage ------------------------------------------------------------------------------

  function storage() {
    try {
      var probe = "__record_probe__";
      window.localStorage.setItem(probe, probe);
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (e) {
      return null; // switched off or full: changes are still sent, but only kept in memory
    }
  }

  var store = storage();

  function load() {
    try {
      var saved = store && JSON.parse(store.getItem(storageKey) || "null");
      if (saved && saved.v === STORE_VERSION && Array.isArray(saved.queue)) {
        saved.conflicts = saved.conflicts || {};
        return saved;
      }
    } catch (e) { /* unreadable: start afresh */ }
    return { v: STORE_VERSION, queue: [], conflicts: {} };
  }

  var state = load();

  function persist() {
    if (!store) { return; }
    try {
      if (state.queue.length || Object.keys(state.conflicts).length) {
        store.setItem(storageKey, JSON.stringify(state));
      } else {
        store.removeItem(storageKey);
      }
    } catch (e) { /* storage full: the queue stays in memory */ }
  }

  // The version of each part this tablet last saw on the server, and the value last queued or
  // seen for it (so leaving a field without changing it sends nothing).
  var versions = {};
  var lastValue = {};
  Object.keys(server.fields).forEach(function (key) {
    versions[key] = server.fields[key].version;
    lastValue[key] = signature({ type: "field", value: server.fields[key].value });
  });
  Object.keys(server.evidence).forEach(function (key) {
    var entry = server.evidence[key];
    versions[key] = entry.version;
    lastValue[key] = signature({ type: "evidence", line_id: entry.line_id, values: entry.values, deleted: false });
  });

  function signature(change) {
    if (change.type === "field") { return JSON.stringify([change.value]); }
    return JSON.stringify([change.line_id, !!change.deleted].concat(ENTRY_FIELDS.map(function (name) {
      return change.values[name] || "";
    })));
  }

  function uuid() {
    if (window.crypto && window.crypto.randomUUID && window.isSecureContext) {
      return window.crypto.randomUUID();
    }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function format(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, name) { return name in values ? values[name] : all; });
  }

  // --- the form -------------------------------------------------------------------------------

  function fieldControl(key) {
    return form.querySelector('[data-item="' + key + '"]');
  }

  function entryCard(clientId) {
    return form.querySelector('[data-entry][data-client-id="' + clientId + '"]');
  }

  function readField(control) {
    if (control.tagName === "TEXTAREA") { return control.value; }
    var checked = control.querySelector("input:checked");
    return checked ? checked.value : "";
  }

  function writeField(control, value) {
    if (control.tagName === "TEXTAREA") {
      control.value = value;
      return;
    }
    Array.prototype.forEach.call(control.querySelectorAll("input"), function (input) {
      input.checked = input.value === value;
    });
  }

  function readEntry(card) {
    var values = {};
    ENTRY_FIELDS.forEach(function (name) {
      values[name] = card.querySelector('[data-entry-field="' + name + '"]').value;
    });
    return values;
  }

  function writeEntry(card, values, deleted) {
    ENTRY_FIELDS.forEach(function (name) {
      card.querySelector('[data-entry-field="' + name + '"]').value = values[name] || "";
    });
    card.classList.toggle("app-entry--removed", !!deleted);
    renumber(card.getAttribute("data-line-id"));
  }

  function entriesOf(lineId) {
    return form.querySelector('[data-entries][data-line-id="' + lineId + '"]');
  }

  function makeCard(lineId, clientId) {
    var holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.replace(/__ID__/g, clientId).replace(/__LINE__/g, lineId);
    var card = holder.querySelector("[data-entry]");
    entriesOf(lineId).appendChild(card);
    renumber(lineId);
    return card;
  }

  function renumber(lineId) {
    var list = entriesOf(lineId);
    if (!list) { return; }
    var number = 0;
    Array.prototype.forEach.call(list.querySelectorAll("[data-entry]"), function (card) {
      if (card.classList.contains("app-entry--removed")) { return; }
      number += 1;
      card.querySelector("[data-entry-title]").textContent = format(words.entry_title, { n: number });
    });
  }

  function keyOf(element) {
    var card = element.closest("[data-entry]");
    if (card) { return "evidence:" + card.getAttribute("data-client-id"); }
    var field = element.closest("[data-item]");
    return field ? field.getAttribute("data-item") : null;
  }

  function changeFor(key) {
    var parts = key.split(":");
    if (parts[0] === "field") {
      var control = fieldControl(key);
      if (!control) { return null; }
      return { type: "field", line_id: Number(parts[1]), field: parts[2], value: readField(control) };
    }
    var card = entryCard(parts[1]);
    if (!card) { return null; }
    return {
      type: "evidence", client_id: parts[1], line_id: Number(card.getAttribute("data-line-id")),
      values: readEntry(card), deleted: card.classList.contains("app-entry--removed")
    };
  }

  function applyChange(change) {
    if (change.type === "field") {
      var control = fieldControl("field:" + change.line_id + ":" + change.field);
      if (control) { writeField(control, change.value); }
      return;
    }
    var card = entryCard(change.client_id);
    if (!card) {
      if (change.deleted || !entriesOf(change.line_id)) { return; }
      card = makeCard(change.line_id, change.client_id);
    }
    writeEntry(card, change.values, change.deleted);
  }

  // Text over its limit is not queued (the server would refuse the whole save): say so by the field.
  function tooLong(key) {
    var scope = key.indexOf("evidence:") === 0 ? entryCard(key.slice(9)) : fieldControl(key);
    var bad = false;
    if (!scope) { return false; }
    var controls = scope.matches("[data-maxlength]") ? [scope] : scope.querySelectorAll("[data-maxlength]");
    Array.prototype.forEach.call(controls, function (control) {
      var max = Number(control.getAttribute("data-maxlength"));
      var over = max && control.value.length > max;
      var message = control.parentNode.querySelector("[data-field-error]");
      if (message) { message.textContent = over ? format(words.too_long, { max: max }) : ""; }
      control.classList.toggle("govuk-textarea--error", over && control.tagName === "TEXTAREA");
      control.classList.toggle("govuk-input--error", over && control.tagName === "INPUT");
      bad = bad || over;
    });
    return bad;
  }

  // --- the queue ------------------------------------------------------------------------------

  var timers = {};

  function inEarlierSave(key, before) {
    for (var i = 0; i < before; i++) {
      if (state.queue[i].changes[key]) { return true; }
    }
    return false;
  }

  function fits(save, key) {
    var keys = Object.keys(save.changes);
    return save.changes[key] || (keys.length < MAX_CHANGES_PER_SAVE && JSON.stringify(save.changes).length < MAX_CHARS_PER_SAVE);
  }

  function enqueue(key) {
    var change = changeFor(key);
    if (!change || tooLong(key) || signature(change) === lastValue[key]) { render(); return; }
    lastValue[key] = signature(change);
    var last = state.queue[state.queue.length - 1];
    if (!last || last.sent || !fits(last, key)) {
      last = { id: uuid(), sent: false, changes: {} };
      state.queue.push(last);
    }
    if (last.changes[key]) {
      change.base = last.changes[key].base; // coalesce: keep the earliest base
    } else {
      // Chained (null) when an earlier save changes the same part: its base is that save's result.
      change.base = inEarlierSave(key, state.queue.length - 1) ? null : (versions[key] || 0);
    }
    last.changes[key] = change;
    persist();
    pump();
  }

  function schedule(key) {
    clearTimeout(timers[key]);
    timers[key] = setTimeout(function () {
      delete timers[key];
      enqueue(key);
    }, DEBOUNCE_MS);
    render();
  }

  function flushAll() {
    Object.keys(timers).forEach(function (key) {
      clearTimeout(timers[key]);
      delete timers[key];
      enqueue(key);
    });
  }

  function waiting() {
    var count = Object.keys(timers).length;
    state.queue.forEach(function (save) { count += Object.keys(save.changes).length; });
    return count;
  }

  // --- talking to the server --------------------------------------------------------------------

  var inFlight = false;
  var failures = 0;
  var nextTry = 0;
  var problem = null; // {kind: "offline"|"error"|"signed_out"|"closed", reason}

  function backoff() {
    failures += 1;
    nextTry = Date.now() + Math.min(MAX_BACKOFF_MS, 1000 * Math.pow(2, failures - 1));
  }

  function pump() {
    render();
    if (inFlight || !state.queue.length || (problem && problem.kind === "closed")) { return; }
    if (navigator.onLine === false) {
      problem = { kind: "offline" };
      render();
      return;
    }
    if (Date.now() < nextTry) { return; }
    var save = state.queue[0];
    if (!save.sent) {
      Object.keys(save.changes).forEach(function (key) {
        if (save.changes[key].base === null) { save.changes[key].base = versions[key] || 0; }
      });
      save.sent = true; // from now on this save never changes: a retry sends exactly the same
      persist();
    }
    inFlight = true;
    render();
    post(save).then(function (answer) {
      inFlight = false;
      answered(save, answer.status, answer.body);
      pump();
    }, function () {
      inFlight = false;
      problem = { kind: "offline" };
      backoff();
      render();
    });
  }

  function post(save) {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, REQUEST_TIMEOUT_MS) : null;
    var changes = Object.keys(save.changes).map(function (key) { return save.changes[key]; });
    return fetch(saveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": tokenInput.value },
      body: JSON.stringify({ save_id: save.id, changes: changes }),
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      clearTimeout(timer);
      return response.json().catch(function () { return null; }).then(function (body) {
        return { status: response.status, body: body };
      });
    }, function (error) {
      clearTimeout(timer);
      throw error;
    });
  }

  // A fresh CSRF token (they expire; signing in again makes a new one). Resolves true when one came.
  function refreshToken() {
    return fetch(tokenUrl, { credentials: "same-origin", headers: { "Accept": "application/json" }, cache: "no-store" })
      .then(function (response) {
        if (response.status === 401 || response.status === 403) {
          problem = { kind: "signed_out" };
          return false;
        }
        return response.json().then(function (body) {
          if (!body || !body.csrf_token) { return false; }
          tokenInput.value = body.csrf_token;
          if (problem && problem.kind === "signed_out") { problem = null; }
          return true;
        });
      })
      .catch(function () { return false; }); // offline: tried again later
  }

  // Once per run of failures the save is retried at once with the new token; after that, backoff.
  var retriedWithToken = false;

  function retryWithFreshToken() {
    refreshToken().then(function (ok) {
      if (ok && !retriedWithToken) {
        retriedWithToken = true;
        nextTry = 0;
      }
      pump();
    });
  }

  function answered(save, status, body) {
    var code = body && body.code;
    if (status === 200 && body && body.versions) {
      dropHead(save);
      Object.keys(body.versions).forEach(function (key) { versions[key] = body.versions[key]; });
      (body.changed_since || []).forEach(function (conflict) { takeConflict(conflict, save.changes[conflict.item]); });
      failures = 0;
      nextTry = 0;
      retriedWithToken = false;
      problem = null;
      persist();
      return;
    }
    if (status === 409 && code === "conflict") {
      dropHead(save);
      var conflicted = {};
      (body.conflicts || []).forEach(function (conflict) { conflicted[conflict.item] = true; });
      resendRest(save, conflicted);
      (body.conflicts || []).forEach(function (conflict) { takeConflict(conflict, save.changes[conflict.item]); });
      problem = null;
      persist();
      return;
    }
    if (status === 409 && code === "closed") {
      problem = { kind: "closed", reason: body.error };
      return;
    }
    if (status === 400 && code === "invalid") {
      dropHead(save);
      var bad = {};
      if (body.item && save.changes[body.item]) { bad[body.item] = true; }
      if (body.item && save.changes[body.item]) { resendRest(save, bad); }
      problem = { kind: "error", reason: body.error };
      persist();
      return;
    }
    backoff();
    if (status === 401 || status === 403) {
      problem = { kind: "signed_out" };
      retryWithFreshToken();
      return;
    }
    if (status === 400) { // most likely an expired CSRF token: fetch a fresh one and try again
      problem = { kind: "error", reason: (body && body.error) || words.server_error };
      retryWithFreshToken();
      return;
    }
    problem = { kind: "error", reason: (body && body.error) || words.server_error };
  }

  function dropHead(save) {
    if (state.queue[0] === save) { state.queue.shift(); }
  }

  // Nothing in a refused save was applied: what was not at fault goes back to the front, as a new save.
  function resendRest(save, except) {
    var rest = {};
    var any = false;
    Object.keys(save.changes).forEach(function (key) {
      if (!except[key]) {
        rest[key] = save.changes[key];
        any = true;
      }
    });
    if (any) { state.queue.unshift({ id: uuid(), sent: false, changes: rest }); }
  }

  // --- conflicts ------------------------------------------------------------------------------

  function sameEntry(a, b) {
    if (!!a.deleted !== !!b.deleted) { return false; }
    return ENTRY_FIELDS.every(function (name) { return (a.values[name] || "") === (b.values[name] || ""); });
  }

  // The server has a newer version of this part: show it, and keep this tablet's latest text beside it.
  function takeConflict(conflict, sent) {
    var key = conflict.item;
    var mine = sent;
    state.queue.forEach(function (save) {
      if (save.changes[key] && !save.sent) {
        mine = save.changes[key];
        delete save.changes[key];
      }
    });
    state.queue = state.queue.filter(function (save) { return Object.keys(save.changes).length; });
    versions[key] = conflict.version;
    var theirs = conflict.value;
    lastValue[key] = key.indexOf("field:") === 0 ? signature({ type: "field", value: theirs })
      : signature({ type: "evidence", line_id: theirs.line_id, values: theirs.values, deleted: theirs.deleted });
    if (key.indexOf("field:") === 0) {
      var control = fieldControl(key);
      if (control) { writeField(control, theirs); }
      if (mine && mine.value !== theirs) { state.conflicts[key] = { mine: mine, theirs: theirs }; }
    } else {
      var card = entryCard(key.slice(9));
      if (theirs.deleted) {
        if (card) { card.parentNode.removeChild(card); renumber(theirs.line_id); }
      } else {
        applyChange({ type: "evidence", client_id: key.slice(9), line_id: theirs.line_id, values: theirs.values, deleted: false });
      }
      if (mine && !sameEntry(mine, theirs)) { state.conflicts[key] = { mine: mine, theirs: theirs }; }
    }
    renderConflict(key);
  }

  function button(text, classes, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "govuk-button " + classes;
    b.textContent = text;
    b.addEventListener("click", onClick);
    return b;
  }

  function choiceLabel(name, value) {
    var option = template.content.querySelector('[data-entry-field="' + name + '"] option[value="' + value + '"]');
    return option ? option.textContent : value;
  }

  function resolved(key, focus) {
    delete state.conflicts[key];
    var panel = form.querySelector('[data-conflict-for="' + key + '"]');
    if (panel) { panel.parentNode.removeChild(panel); }
    persist();
    render();
    if (focus) { focus.focus(); }
  }

  function renderConflict(key) {
    var old = form.querySelector('[data-conflict-for="' + key + '"]');
    if (old) { old.parentNode.removeChild(old); }
    var conflict = state.conflicts[key];
    if (!conflict) { return; }
    var panel = document.createElement("div");
    panel.className = "app-conflict";
    panel.setAttribute("data-conflict-for", key);
    panel.setAttribute("role", "group");
    panel.setAttribute("aria-label", words.mine);
    var intro = document.createElement("p");
    intro.className = "govuk-body govuk-!-font-weight-bold govuk-!-margin-bottom-1";
    var text = document.createElement("p");
    text.className = "govuk-body app-conflict__text";
    var actions = document.createElement("div");
    actions.className = "app-conflict__actions";
    panel.appendChild(intro);
    panel.appendChild(text);
    panel.appendChild(actions);
    var mine = conflict.mine;

    if (key.indexOf("field:") === 0) {
      var control = fieldControl(key);
      if (!control) { return; }
      intro.textContent = words.mine;
      text.textContent = mine.value;
      actions.appendChild(button(words.use_mine, "", function () {
        writeField(control, mine.value);
        resolved(key, control.tagName === "TEXTAREA" ? control : control.querySelector("input"));
        enqueue(key);
      }));
      actions.appendChild(button(words.keep_saved, "govuk-button--secondary", function () { resolved(key, control); }));
      control.closest(".govuk-form-group").insertAdjacentElement("afterend", panel);
      return;
    }

    var clientId = key.slice(9);
    var lineId = mine.line_id;
    if (mine.deleted) {
      intro.textContent = words.entry_removed_here;
      panel.removeChild(text);
    } else {
      intro.textContent = conflict.theirs.deleted ? words.entry_removed_elsewhere : words.entry_changed;
      text.textContent = ENTRY_FIELDS.filter(function (name) { return mine.values[name]; }).map(function (name) {
        var value = mine.values[name];
        return words.labels[name] + ": " + (name === "activity" || name === "theme" ? choiceLabel(name, value) : value);
      }).join("\n");
    }
    actions.appendChild(button(mine.deleted ? words.remove_it : words.use_mine_entry, "", function () {
      var card = entryCard(clientId) || makeCard(lineId, clientId);
      writeEntry(card, mine.values, mine.deleted);
      resolved(key, card.querySelector(mine.deleted ? "[data-undo-remove]" : "select"));
      enqueue(key);
    }));
    actions.appendChild(button(words.keep_saved_entry, "govuk-button--secondary", function () {
      resolved(key, null);
    }));
    var card = entryCard(clientId);
    if (card) {
      card.insertBefore(panel, card.querySelector(".app-entry__body"));
    } else if (entriesOf(lineId)) {
      entriesOf(lineId).appendChild(panel);
    }
  }

  // --- the status at the top --------------------------------------------------------------------

  var shown = null;

  function render() {
    var pending = waiting();
    var kind = "saved";
    var text = words.saved;
    if (problem && problem.kind === "closed") {
      kind = "error";
      text = format(words.error, { reason: problem.reason || words.closed });
    } else if (problem && problem.kind === "signed_out") {
      kind = "signed_out";
      text = words.signed_out;
    } else if (pending && (navigator.onLine === false || (problem && problem.kind === "offline"))) {
      kind = "offline";
      text = format(words.offline, { n: pending });
    } else if (problem && problem.kind === "error") {
      kind = "error";
      text = format(words.error, { reason: problem.reason });
    } else if (pending || inFlight) {
      kind = "saving";
      text = words.saving;
    } else if (Object.keys(state.conflicts).length) {
      kind = "error";
      text = words.conflict;
    }
    if (shown === text) { return; }
    shown = text;
    bar.setAttribute("data-state", kind);
    statusLine.textContent = text;
    statusActions.innerHTML = "";
    if (kind === "signed_out") {
      var link = document.createElement("a");
      link.className = "govuk-link";
      link.href = signInUrl;
      link.target = "_blank";
      link.rel = "noopener";
      link.textContent = words.sign_in;
      statusActions.appendChild(link);
    }
  }

  // --- wiring ---------------------------------------------------------------------------------

  function onEdit(event) {
    var key = keyOf(event.target);
    if (key) { schedule(key); }
  }

  form.addEventListener("input", onEdit);
  form.addEventListener("change", onEdit);

  form.addEventListener("click", function (event) {
    var add = event.target.closest("[data-add-entry]");
    if (add) {
      var clientId = uuid();
      var card = makeCard(add.getAttribute("data-add-entry"), clientId);
      enqueue("evidence:" + clientId); // at once, so entries are stored in the order they were added
      card.querySelector("select").focus();
      return;
    }
    var remove = event.target.closest("[data-remove-entry]");
    var undo = event.target.closest("[data-undo-remove]");
    if (remove || undo) {
      var entry = event.target.closest("[data-entry]");
      entry.classList.toggle("app-entry--removed", !!remove);
      renumber(entry.getAttribute("data-line-id"));
      enqueue("evidence:" + entry.getAttribute("data-client-id"));
      (remove ? entry.querySelector("[data-undo-remove]") : entry.querySelector("select")).focus();
    }
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault(); // everything is saved as it changes; the button only hurries it along
    flushAll();
    nextTry = 0;
    pump();
  });

  window.addEventListener("online", function () {
    nextTry = 0;
    if (problem && problem.kind === "offline") { problem = null; }
    pump();
  });
  window.addEventListener("offline", render);
  // The tablet going to sleep or the page closing: what was typed goes into the kept queue now.
  window.addEventListener("pagehide", flushAll);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { flushAll(); } else { nextTry = 0; pump(); }
  });
  setInterval(function () {
    if (state.queue.length && !inFlight) { pump(); }
  }, RETRY_EVERY_MS);

  // Changes from an earlier visit (never sent, or never confirmed) are newer than the page.
  state.queue.forEach(function (save) {
    Object.keys(save.changes).forEach(function (key) {
      applyChange(save.changes[key]);
      lastValue[key] = signature(save.changes[key]);
    });
  });
  Object.keys(state.conflicts).forEach(renderConflict);
  form.setAttribute("data-record-ready", "");
  pump();
})();
