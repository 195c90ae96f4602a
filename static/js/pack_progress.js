// The feedback pack's progress page: ask the server how the job is going every 1.5 seconds
// while it is waiting or being made, move the bar, and show the download button (or the
// "Try again" button) when it finishes. Screen readers hear the state when it changes and, while
// the pack is being made, each quarter done (not every percent); the bar itself carries the
// exact figure (aria-valuenow and aria-valuetext).
// Without JavaScript the page's "Check progress again" link does the same.
(function () {
  "use strict";
  var root = document.querySelector("[data-pack-progress]");
  if (!root || !window.fetch) return;
  var url = root.getAttribute("data-status-url");
  var bar = root.querySelector("[data-progress-bar]");
  var fill = root.querySelector("[data-progress-fill]");
  var value = root.querySelector("[data-progress-value]");
  var live = root.querySelector("[data-progress-message]");
  var announce = root.querySelector("[data-progress-announce]");
  var note = root.querySelector("[data-progress-note]");
  var tag = document.querySelector("[data-pack-status-tag] .govuk-tag");
  var refresh = root.querySelector("[data-refresh-link]");
  var status = root.getAttribute("data-status");
  var quarter = Math.floor((parseInt(bar.getAttribute("aria-valuenow"), 10) || 0) / 25);
  var timer = null;
  var valueTemplate = bar.getAttribute("aria-valuetext").replace(/\d+/, "{n}");
  var percentTemplate = value.textContent.replace(/\d+/, "{n}");

  function show(state) {
    root.querySelectorAll("[data-when]").forEach(function (el) {
      var when = el.getAttribute("data-when");
      el.hidden = !(when === state || (when === "active" && (state === "queued" || state === "running")));
    });
  }

  function update(data) {
    var n = Math.max(0, Math.min(100, data.progress | 0));
    bar.setAttribute("aria-valuenow", String(n));
    bar.setAttribute("aria-valuetext", data.progress_text || valueTemplate.replace("{n}", n));
    fill.style.width = n + "%";
    fill.classList.toggle("app-progress__bar--done", data.status === "done");
    fill.classList.toggle("app-progress__bar--failed", data.status === "failed");
    value.textContent = percentTemplate.replace("{n}", n);
    if (data.message !== live.textContent) live.textContent = data.message;
    var q = Math.floor(n / 25);
    if (q !== quarter) {
      quarter = q;
      if (data.status === "running" && q > 0 && q < 4) announce.textContent = data.progress_text;
    }
    note.textContent = data.note || "";
    note.hidden = !data.note;
    if (tag && data.status !== status) {
      tag.textContent = data.status_label;
      tag.className = "govuk-tag govuk-tag--" + data.status_colour;
    }
    if (data.status !== status) {
      status = data.status;
      root.setAttribute("data-status", status);
      show(status);
    }
  }

  function active() { return status === "queued" || status === "running"; }

  function poll() {
    timer = null;
    fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin", cache: "no-store"})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) update(data); })
      .catch(function () { /* offline for a moment: try again next time */ })
      .then(function () { if (active()) timer = window.setTimeout(poll, 1500); });
  }

  if (refresh) refresh.parentNode.hidden = true;  // the page updates itself
  if (active()) timer = window.setTimeout(poll, 1500);
})();
