/*
 * The host's preparation form: a copy of what is typed is kept in this browser's
 * localStorage until the server has saved it, so a dropped connection, a closed tab or a
 * page that failed to send loses nothing.
 *
 * - Every field with data-draft-field="<block key>:<field>" is copied on each change.
 *   Blocks have keys that do not change when lines are added or removed, so text never
 *   lands in the wrong line.
 * - On load, if the copy was made from the version of the preparation the server still
 *   has (data-draft-version), the fields that differ are put back and a note says so, with
 *   a button to discard them. If the saved version has changed since (saved on another
 *   device), nothing is put back unasked: the note offers to put the copy back or discard it.
 * - Text for a line that is no longer on the page is listed in the note, so it can be copied.
 * - The page after a successful save carries data-clear-draft: the copy goes then.
 * Without scripts, or without storage, the form works the same, just without the copy.
 */
(function () {
  "use strict";

  var PREFIX = "draft:v1:";
  var MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000;

  function storage() {
    try {
      var probe = "__draft_probe__";
      window.localStorage.setItem(probe, probe);
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (e) {
      return null;
    }
  }

  var store = storage();
  if (!store) {
    return;
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-clear-draft]"), function (el) {
    store.removeItem(PREFIX + el.getAttribute("data-clear-draft"));
  });

  var form = document.querySelector("[data-draft-form]");
  if (!form) {
    return;
  }

  var key = PREFIX + form.getAttribute("data-draft-key");
  var version = form.getAttribute("data-draft-version") || "";
  var fields = Array.prototype.slice.call(form.querySelectorAll("[data-draft-field]"));
  var note = document.querySelector("[data-draft-note]");
  var original = {};
  fields.forEach(function (field) {
    original[field.getAttribute("data-draft-field")] = field.value;
  });

  function read() {
    try {
      var draft = JSON.parse(store.getItem(key) || "null");
      if (!draft || typeof draft.values !== "object" || draft.values === null) {
        return null;
      }
      if (!(Date.now() - (draft.savedAt || 0) < MAX_AGE_MS)) {
        store.removeItem(key);
        return null;
      }
      return draft;
    } catch (e) {
      return null;
    }
  }

  function write(draft) {
    try {
      draft.savedAt = Date.now();
      store.setItem(key, JSON.stringify(draft));
    } catch (e) {
      // Storage full: the form still sends what is typed.
    }
  }

  function blockOf(name) {
    return name.indexOf(":") === -1 ? "" : name.split(":")[0];
  }

  function setValue(field, value) {
    field.value = value;
    // The character count listens for input.
    field.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function onPage(name) {
    return Object.prototype.hasOwnProperty.call(original, name);
  }

  // --- keep a copy of every change ------------------------------------------------------

  var paused = false;

  function remember() {
    if (paused) {
      return;
    }
    var draft = read() || { values: {} };
    draft.version = version;
    fields.forEach(function (field) {
      draft.values[field.getAttribute("data-draft-field")] = field.value;
    });
    write(draft);
  }

  form.addEventListener("input", remember);
  form.addEventListener("change", remember);

  form.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    var action = submitter ? submitter.value || "" : "";
    var draft = read();
    if (!draft) {
      return;
    }
    if (action.indexOf("remove:") === 0) {
      // A line taken off on purpose is not kept as "unsaved text".
      var removed = action.slice("remove:".length);
      Object.keys(draft.values).forEach(function (name) {
        if (blockOf(name) === removed) {
          delete draft.values[name];
        }
      });
      write(draft);
    }
  });

  // --- put back what was not saved ----------------------------------------------------------

  var draft = read();
  if (!draft || !note) {
    return;
  }

  var differing = fields.filter(function (field) {
    var name = field.getAttribute("data-draft-field");
    return Object.prototype.hasOwnProperty.call(draft.values, name) &&
      typeof draft.values[name] === "string" && draft.values[name] !== field.value;
  });
  var elsewhere = Object.keys(draft.values).filter(function (name) {
    return !onPage(name) && typeof draft.values[name] === "string" && draft.values[name].trim() !== "";
  });
  if (!differing.length && !elsewhere.length) {
    return;
  }

  var sameVersion = (draft.version || "") === version;

  function show(selector, visible) {
    Array.prototype.forEach.call(note.querySelectorAll(selector), function (el) {
      el.hidden = !visible;
    });
  }

  function putBack() {
    paused = true;
    differing.forEach(function (field) {
      setValue(field, draft.values[field.getAttribute("data-draft-field")]);
    });
    paused = false;
    remember();
    show("[data-draft-restored]", differing.length > 0);
    show("[data-draft-conflict]", false);
  }

  function discard() {
    paused = true;
    fields.forEach(function (field) {
      setValue(field, original[field.getAttribute("data-draft-field")]);
    });
    paused = false;
    store.removeItem(key);
    note.hidden = true;
  }

  var list = note.querySelector("[data-draft-elsewhere-list]");
  if (list && elsewhere.length) {
    elsewhere.forEach(function (name) {
      var item = document.createElement("li");
      item.className = "app-preserve-lines";
      item.textContent = draft.values[name];
      list.appendChild(item);
    });
    show("[data-draft-elsewhere]", true);
  }

  if (sameVersion) {
    putBack();
  } else if (differing.length) {
    show("[data-draft-conflict]", true);
    show("[data-draft-restored]", false);
  } else {
    show("[data-draft-restored]", false);
  }

  Array.prototype.forEach.call(note.querySelectorAll("[data-draft-put-back]"), function (button) {
    button.addEventListener("click", putBack);
  });
  Array.prototype.forEach.call(note.querySelectorAll("[data-draft-discard]"), function (button) {
    button.addEventListener("click", discard);
  });
  note.hidden = false;
})();
