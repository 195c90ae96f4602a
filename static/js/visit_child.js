/*
 * The children's pages of a pupil visit, on a shared tablet.
 *
 * Read aloud: each question's "Read this to me" button speaks the question (and its answers) with
 * the browser's speech synthesis, in en-GB or cy-GB as the page is. Without speech synthesis the
 * buttons stay hidden. A Welsh voice may be missing: the language is still set, and the browser
 * chooses what it can.
 *
 * Answers are kept as the child goes: in this browser's localStorage, one entry per feedback
 * session and child (never sent anywhere before the child presses Send), put back after a reload
 * or a change of language. The thank-you page clears that child's entry, so the next child starts
 * with an empty form; the names page clears the "I'd rather not say" entry, which a next child
 * would otherwise share. A form refused by the server (closed, already sent) leaves the entry alone.
 */
(function () {
  "use strict";

  var STORE_VERSION = 1;

  function storage() {
    try {
      var probe = "__visit_probe__";
      window.localStorage.setItem(probe, probe);
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (e) {
      return null; // private browsing, storage full or switched off: the form still works
    }
  }

  var store = storage();

  // --- read aloud ---------------------------------------------------------------------------

  var synth = window.speechSynthesis;
  var canSpeak = !!(synth && typeof window.SpeechSynthesisUtterance === "function");

  function voiceFor(lang) {
    if (!synth.getVoices) { return null; }
    var voices = synth.getVoices() || [];
    var wanted = lang.toLowerCase();
    var prefix = wanted.split("-")[0];
    var exact = null, close = null;
    voices.forEach(function (voice) {
      var own = (voice.lang || "").toLowerCase().replace("_", "-");
      if (!exact && own === wanted) { exact = voice; }
      if (!close && own.split("-")[0] === prefix) { close = voice; }
    });
    return exact || close;
  }

  function speak(button) {
    var text = button.getAttribute("data-speak") || "";
    var lang = button.getAttribute("data-speak-lang") || document.documentElement.lang || "en-GB";
    if (!text) { return; }
    synth.cancel();
    var utterance = new window.SpeechSynthesisUtterance(text);
    utterance.lang = lang;
    var voice = voiceFor(lang);
    if (voice) { utterance.voice = voice; }
    utterance.rate = 0.9;
    button.setAttribute("aria-pressed", "true");
    utterance.onend = utterance.onerror = function () { button.setAttribute("aria-pressed", "false"); };
    synth.speak(utterance);
  }

  var readButtons = document.querySelectorAll("[data-read-aloud]");
  if (canSpeak) {
    Array.prototype.forEach.call(readButtons, function (button) {
      button.hidden = false;
      button.setAttribute("aria-pressed", "false");
      button.addEventListener("click", function () { speak(button); });
    });
  }

  // --- answers kept on the tablet ------------------------------------------------------------

  Array.prototype.forEach.call(document.querySelectorAll("[data-clear-draft]"), function (marker) {
    if (store) { store.removeItem(marker.getAttribute("data-clear-draft")); }
  });

  var form = document.querySelector("[data-child-form]");
  if (!form) {
    return;
  }
  var key = form.getAttribute("data-draft-key");

  function controls() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && (el.name.indexOf("q_") === 0 || el.hasAttribute("data-keep"));
    });
  }

  function answers() {
    var found = {};
    controls().forEach(function (el) {
      if (el.type === "radio") {
        if (el.checked) { found[el.name] = el.value; }
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
      } else if (typeof value === "string") {
        el.value = value;
      } else if (!el.hasAttribute("data-keep")) {
        el.value = "";
      }
    });
  }

  function hasAnswers(found) {
    return Object.keys(found).some(function (name) { return name.indexOf("q_") === 0; });
  }

  function save() {
    if (!store) { return; }
    try {
      var found = answers();
      if (hasAnswers(found)) {
        store.setItem(key, JSON.stringify({v: STORE_VERSION, answers: found}));
      } else {
        store.removeItem(key);
      }
    } catch (e) {
      // Storage full: carry on; the answers are still on the page.
    }
  }

  function load() {
    if (!store) { return null; }
    try {
      var saved = JSON.parse(store.getItem(key) || "null");
      return saved && saved.v === STORE_VERSION && saved.answers ? saved.answers : null;
    } catch (e) {
      return null;
    }
  }

  if (form.hasAttribute("data-server-answers")) {
    save(); // the page came back from the server with what was sent: keep that
  } else {
    var saved = load();
    if (saved) { fill(saved); }
  }

  form.addEventListener("change", save);
  form.addEventListener("input", save);
})();
