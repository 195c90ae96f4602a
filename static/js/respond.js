/*
 * Answering a survey: progressive enhancement of the one long form the server sends.
 *
 * With scripts on: one section at a time (Continue / Back) with progress shown and
 * announced; follow-up questions shown only when their condition is met; answers kept in
 * this browser's localStorage as they change (never sent anywhere before the person
 * presses Send) and put back after a reload; the thank-you page clears them.
 * Without scripts the form is one long page and works the same.
 */
(function () {
  "use strict";

  var STORE_VERSION = 1;

  function storage() {
    try {
      var probe = "__survey_probe__";
      window.localStorage.setItem(probe, probe);
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (e) {
      return null; // private browsing, storage full or switched off: the form still works
    }
  }

  var store = storage();

  // The thank-you page: the answers were sent, so the copy on this device goes.
  var cleared = document.querySelector("[data-clear-draft]");
  if (cleared && store) {
    store.removeItem(cleared.getAttribute("data-clear-draft"));
  }

  var form = document.querySelector("[data-survey-form]");
  if (!form) {
    return;
  }

  var key = form.getAttribute("data-draft-key");
  var sections = Array.prototype.slice.call(form.querySelectorAll("[data-section]"));
  var questions = Array.prototype.slice.call(form.querySelectorAll("[data-question]"));
  var current = 0;

  // --- answers: read, write, keep -------------------------------------------------------

  function controls() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name.indexOf("q_") === 0;
    });
  }

  function answers() {
    var found = {};
    controls().forEach(function (el) {
      if (el.type === "radio") {
        if (el.checked) { found[el.name] = el.value; }
      } else if (el.type === "checkbox") {
        if (!found[el.name]) { found[el.name] = []; }
        if (el.checked) { found[el.name].push(el.value); }
      } else if (el.value !== "") {
        found[el.name] = el.value;
      }
    });
    return found;
  }

  function fill(saved) {
    controls().forEach(function (el) {
      var value = saved[el.name];
      if (el.type === "radio") {
        el.checked = value === el.value;
      } else if (el.type === "checkbox") {
        el.checked = Array.isArray(value) && value.indexOf(el.value) !== -1;
      } else {
        el.value = typeof value === "string" ? value : "";
      }
    });
  }

  function save() {
    if (!store) { return; }
    try {
      store.setItem(key, JSON.stringify({v: STORE_VERSION, section: current, answers: answers()}));
    } catch (e) {
      // Storage full: carry on; the answers are still in the form.
    }
  }

  function load() {
    if (!store) { return null; }
    try {
      var saved = JSON.parse(store.getItem(key) || "null");
      return saved && saved.v === STORE_VERSION && saved.answers ? saved : null;
    } catch (e) {
      return null;
    }
  }

  // --- follow-up questions ----------------------------------------------------------------

  function valueOf(name) {
    var value = null;
    controls().forEach(function (el) {
      if (el.name !== name) { return; }
      if ((el.type === "radio" || el.type === "checkbox")) {
        if (el.checked) { value = el.value; }
      } else {
        value = el.value;
      }
    });
    return value;
  }

  function isShown(question) {
    var field = question.getAttribute("data-condition-field");
    return !field || valueOf(field) === question.getAttribute("data-condition-equals");
  }

  function updateConditions() {
    questions.forEach(function (question) {
      question.hidden = !isShown(question);
    });
  }

  // --- one section at a time --------------------------------------------------------------

  var progress = form.querySelector("[data-progress]");
  var progressText = form.querySelector("[data-progress-text]");
  var progressBar = form.querySelector("[data-progress-bar]");
  var template = form.getAttribute("data-progress-template") || "{number} / {total}";

  function show(index, moveFocus) {
    current = Math.max(0, Math.min(index, sections.length - 1));
    sections.forEach(function (section, i) { section.hidden = i !== current; });
    if (progress) {
      progress.hidden = false;
      progressText.textContent = template.replace("{number}", current + 1).replace("{total}", sections.length);
      progressBar.value = current + 1;
    }
    if (moveFocus) {
      var heading = sections[current].querySelector(".app-survey-section__title");
      window.scrollTo(0, form.offsetTop - 10);
      if (heading) { heading.focus({preventScroll: true}); }
    }
  }

  function sectionOf(element) {
    for (var i = 0; i < sections.length; i++) {
      if (sections[i].contains(element)) { return i; }
    }
    return -1;
  }

  // --- errors before moving on ------------------------------------------------------------

  function clearErrors(section) {
    var summary = section.querySelector("[data-client-errors]");
    if (summary) { summary.parentNode.removeChild(summary); }
    Array.prototype.forEach.call(section.querySelectorAll("[data-client-error]"), function (message) {
      var group = message.closest(".govuk-form-group");
      if (group) { group.classList.remove("govuk-form-group--error"); }
      var described = message.closest("fieldset") || document.getElementById(message.id.replace(/-client-error$/, ""));
      if (described) {
        var ids = (described.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
          return id && id !== message.id;
        });
        if (ids.length) { described.setAttribute("aria-describedby", ids.join(" ")); } else { described.removeAttribute("aria-describedby"); }
      }
      message.parentNode.removeChild(message);
    });
  }

  function unanswered(question) {
    if (!question.hasAttribute("data-required") || question.hidden) { return false; }
    var name = question.getAttribute("data-field");
    var value = answers()[name];
    return value === undefined || value === "" || (Array.isArray(value) && value.length === 0);
  }

  function addError(question, text) {
    var group = question.querySelector(".govuk-form-group");
    if (!group || group.querySelector(".govuk-error-message")) {
      if (group) { group.classList.add("govuk-form-group--error"); }
      return;
    }
    var firstId = question.getAttribute("data-first-id");
    var message = document.createElement("p");
    message.className = "govuk-error-message";
    message.id = firstId + "-client-error";
    message.setAttribute("data-client-error", "");
    var prefix = document.createElement("span");
    prefix.className = "govuk-visually-hidden";
    prefix.textContent = form.getAttribute("data-error-prefix") + " ";
    message.appendChild(prefix);
    message.appendChild(document.createTextNode(text));
    var fieldset = group.querySelector("fieldset");
    var anchor = fieldset ? fieldset.querySelector(".govuk-radios, .govuk-checkboxes, .app-faces")
      : group.querySelector("input, textarea");
    (anchor || group.lastChild).parentNode.insertBefore(message, anchor);
    var described = fieldset || document.getElementById(firstId);
    if (described) {
      var ids = (described.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      ids.push(message.id);
      described.setAttribute("aria-describedby", ids.join(" "));
    }
    group.classList.add("govuk-form-group--error");
  }

  function checkSection(index) {
    var section = sections[index];
    clearErrors(section);
    var missing = questions.filter(function (q) { return section.contains(q) && unanswered(q); });
    if (!missing.length) { return true; }
    var summary = document.createElement("div");
    summary.className = "govuk-error-summary";
    summary.setAttribute("data-client-errors", "");
    summary.setAttribute("tabindex", "-1");
    var alert = document.createElement("div");
    alert.setAttribute("role", "alert");
    var title = document.createElement("h2");
    title.className = "govuk-error-summary__title";
    title.textContent = form.getAttribute("data-error-title");
    var body = document.createElement("div");
    body.className = "govuk-error-summary__body";
    var list = document.createElement("ul");
    list.className = "govuk-list govuk-error-summary__list";
    missing.forEach(function (question) {
      var text = question.getAttribute("data-required-message");
      addError(question, text);
      var legend = question.querySelector("legend, label");
      var link = document.createElement("a");
      link.href = "#" + question.getAttribute("data-first-id");
      link.textContent = (form.getAttribute("data-error-line") || "{error}: {question}")
        .replace("{error}", text).replace("{question}", legend ? legend.textContent.trim() : "");
      var li = document.createElement("li");
      li.appendChild(link);
      list.appendChild(li);
    });
    body.appendChild(list);
    alert.appendChild(title);
    alert.appendChild(body);
    summary.appendChild(alert);
    section.insertBefore(summary, section.firstChild);
    summary.focus();
    return false;
  }

  // --- wiring ---------------------------------------------------------------------------

  var saved = load();
  if (form.hasAttribute("data-server-answers")) {
    save(); // the page came back from the server with the answers that were sent: keep those
  } else if (saved) {
    fill(saved.answers);
  }
  updateConditions();

  if (store) {
    var note = document.querySelector("[data-draft-note]");
    if (note) { note.hidden = false; }
  }

  form.addEventListener("change", function () { updateConditions(); save(); });
  form.addEventListener("input", function (event) {
    if (event.target.tagName === "TEXTAREA" || event.target.type === "text") { save(); }
  });

  if (sections.length > 1) {
    Array.prototype.forEach.call(form.querySelectorAll("[data-section-nav]"), function (nav) { nav.hidden = false; });
    form.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button) { return; }
      if (button.hasAttribute("data-next")) {
        if (checkSection(current)) { show(current + 1, true); save(); }
      } else if (button.hasAttribute("data-back")) {
        clearErrors(sections[current]);
        show(current - 1, true);
        save();
      }
    });

    // The server found problems: start at the first section with one.
    var firstError = form.querySelector(".govuk-form-group--error");
    var start = firstError ? sectionOf(firstError) : (saved && !form.hasAttribute("data-server-answers") ? saved.section || 0 : 0);
    show(start, false);

    // A link in an error summary to a question in another section: show that section first.
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest(".govuk-error-summary a[href^='#']");
      if (!link) { return; }
      var target = document.getElementById(link.getAttribute("href").slice(1));
      var index = target ? sectionOf(target) : -1;
      if (index !== -1 && index !== current) { show(index, false); }
    }, true);
  }
})();
