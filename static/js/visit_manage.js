// The feedback session page: keep the tally of who has sent feedback up to date while feedback is
// open, with a light poll (every 20 seconds, only while the page is visible). Without JavaScript
// the page's Refresh button does the same.
(function () {
  "use strict";
  var section = document.querySelector("[data-tally-poll]");
  if (!section || !window.fetch) return;
  var url = section.getAttribute("data-tally-url");
  var count = section.querySelector("[data-tally-count]");
  var detail = section.querySelector("[data-tally-detail]");
  var names = section.querySelector("[data-tally-names]");
  var last = null;

  function update(data) {
    var key = JSON.stringify(data);
    if (key === last) return;
    last = key;
    if (count.textContent.trim() !== data.count_text) count.textContent = data.count_text;
    detail.textContent = data.detail_text;
    while (names.firstChild) names.removeChild(names.firstChild);
    data.named.forEach(function (label) {
      var li = document.createElement("li");
      li.textContent = label;
      names.appendChild(li);
    });
  }

  function poll() {
    if (document.visibilityState === "hidden") return;
    fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) update(data); })
      .catch(function () { /* offline for a moment: try again next time */ });
  }

  window.setInterval(poll, 20000);
  document.addEventListener("visibilitychange", poll);
})();
