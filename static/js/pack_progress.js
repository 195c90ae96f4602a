// The feedback pack's progress page: ask the server how the job is going every 1.5 seconds
// while it is waiting or being made, move the bar, and show the download button (or the
// "Try again" button) when it finishes. The live text is updated only when the state changes
// or a quarter of the work is done, so a screen reader is not told every percent.
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
  var note = root.querySelector("[data-progress-note]");
  var tag = document.querySelector("[data-pack-status-tag] .govuk-tag");
  var refresh = root.querySelector("[data-refresh-link]");
  var status = root.getAttribute("data-status");
  var quarter = -1;
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
    bar.setAttribute("aria-valuetext", valueTemplate.replace("{n}", n));
    fill.style.width = n + "%";
    fill.classList.toggle("app-progress__bar--done", data.status === "done");
    fill.classList.toggle("app-progress__bar--failed", data.status === "failed");
    value.textContent = percentTemplate.replace("{n}", n);
    var q = Math.floor(n / 25);
    if (data.status !== status || q !== quarter) {
      live.textContent = data.message;
      quarter = q;
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
