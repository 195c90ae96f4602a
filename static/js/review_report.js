// The review report editor: keeps what the lead types in this browser (localStorage) until
// it is saved, so a dropped connection or a closed tab loses nothing; adds and removes next
// steps without a round trip. Without JavaScript the page works the same through the server.
//
// A draft is stored with the fingerprint ("base") of the saved report it was typed over.
// On load: the same base and different values -> restored, with a notice; a different base
// after this browser sent a save -> that save went through, the copy is dropped; a different
// base otherwise (saved elsewhere since) -> the lead chooses to restore it or discard it.

const form = document.querySelector("[data-report-form]");

for (const done of document.querySelectorAll("[data-report-done]")) {
  try { localStorage.removeItem(done.dataset.reportDone); } catch { /* storage blocked: nothing kept */ }
}

for (const button of document.querySelectorAll("[data-print]")) {
  button.addEventListener("click", () => window.print());
}

if (form) {
  const key = form.dataset.draftKey;
  const base = form.dataset.base;
  const notice = document.querySelector("[data-report-draft-notice]");
  const steps = form.querySelector("[data-steps]");
  const template = form.querySelector("[data-step-template]");
  const legendPattern = steps ? steps.dataset.legend || "" : "";
  const removePattern = steps ? steps.dataset.removeLabel || "" : "";

  const fields = () => [...form.querySelectorAll("textarea[name], input[type=text][name], select[name]")]
    .filter((el) => !el.closest("template"));

  const values = () => Object.fromEntries(fields().map((el) => [el.name, el.value]));

  const read = () => {
    try { return JSON.parse(localStorage.getItem(key) || "null"); } catch { return null; }
  };
  const write = (draft) => {
    try { localStorage.setItem(key, JSON.stringify(draft)); } catch { /* storage full or blocked: the server copy still counts */ }
  };
  const clear = () => { try { localStorage.removeItem(key); } catch { /* nothing to do */ } };

  let timer = null;
  const remember = () => {
    clearTimeout(timer);
    timer = setTimeout(() => write({ base, at: new Date().toISOString(), sent: false, values: values() }), 300);
  };

  const renumber = () => {
    if (!steps) return;
    [...steps.querySelectorAll("[data-step]")].forEach((row, i) => {
      const legend = row.querySelector("[data-step-legend]");
      if (legend && legendPattern) legend.textContent = legendPattern.replace("{n}", i + 1);
      const hidden = row.querySelector("[data-step-legend-hidden]");
      if (hidden && removePattern) hidden.textContent = " " + removePattern.replace("{n}", i + 1);
    });
  };

  const nextIndex = () => {
    const used = [...form.querySelectorAll("[data-step]")].map((row) => Number(row.dataset.step)).filter(Number.isFinite);
    return used.length ? Math.max(...used) + 1 : 0;
  };

  const addRow = (index) => {
    const html = template.innerHTML.replaceAll("__N__", String(index));
    steps.insertAdjacentHTML("beforeend", html);
    const row = steps.lastElementChild;
    bindRemove(row);
    renumber();
    return row;
  };

  const bindRemove = (row) => {
    const button = row.querySelector("[data-remove-step]");
    if (!button) return;
    button.addEventListener("click", (event) => {
      event.preventDefault();
      const next = row.nextElementSibling || row.previousElementSibling;
      row.remove();
      renumber();
      remember();
      const focusTarget = next ? next.querySelector("textarea") : form.querySelector("[data-add-step]");
      if (focusTarget) focusTarget.focus();
    });
  };

  if (steps && template) {
    steps.querySelectorAll("[data-step]").forEach(bindRemove);
    const add = form.querySelector("[data-add-step]");
    add.addEventListener("click", (event) => {
      event.preventDefault();
      const row = addRow(nextIndex());
      row.querySelector("textarea").focus();
      remember();
    });
  }

  const restore = (saved) => {
    // Rows the saved copy had that the page does not: add them first.
    const wanted = new Set(Object.keys(saved).map((name) => (name.match(/^steps-(\d+)-/) || [])[1]).filter(Boolean));
    const present = new Set([...form.querySelectorAll("[data-step]")].map((row) => row.dataset.step));
    if (steps && template) {
      for (const index of [...wanted].sort((a, b) => a - b)) if (!present.has(index)) addRow(Number(index));
      // Rows the page has that the saved copy had removed.
      for (const row of [...form.querySelectorAll("[data-step]")]) if (!wanted.has(row.dataset.step)) row.remove();
      renumber();
    }
    for (const el of fields()) if (Object.hasOwn(saved, el.name)) el.value = saved[el.name];
  };

  const differs = (saved) => {
    const now = values();
    const names = new Set([...Object.keys(saved), ...Object.keys(now)]);
    return [...names].some((name) => (saved[name] ?? "") !== (now[name] ?? ""));
  };

  const show = (text, actions = []) => {
    if (!notice) return;
    notice.replaceChildren();
    const p = document.createElement("p");
    p.className = "govuk-body";
    p.textContent = text;
    notice.append(p);
    if (actions.length) {
      const group = document.createElement("div");
      group.className = "govuk-button-group";
      for (const [label, handler, secondary] of actions) {
        const b = document.createElement("button");
        b.type = "button";
        b.className = "govuk-button" + (secondary ? " govuk-button--secondary" : "");
        b.textContent = label;
        b.addEventListener("click", handler);
        group.append(b);
      }
      notice.append(group);
    }
  };

  const draft = read();
  const when = (draft && draft.at) ? new Date(draft.at).toLocaleString(document.documentElement.lang || undefined) : "";
  const t = notice ? notice.dataset : {};
  if (draft && draft.values) {
    if (draft.base === base) {
      if (differs(draft.values)) {
        restore(draft.values);
        show((t.restored || "").replace("{when}", when), [[t.discard || "Discard", () => { clear(); location.reload(); }, true]]);
      } else if (draft.sent) {
        write({ ...draft, sent: false });  // what was sent is on the page again, not saved (it had a problem)
      }
    } else if (draft.sent) {
      clear();
    } else if (differs(draft.values)) {
      show((t.older || "").replace("{when}", when), [
        [t.restore || "Restore", () => { restore(draft.values); write({ ...draft, base }); show(t.restoredNow || ""); }, false],
        [t.discard || "Discard", () => { clear(); show(t.discarded || ""); }, true],
      ]);
    } else {
      clear();
    }
  }

  if (form.dataset.unsaved === "1") {
    // The server showed what was sent without saving it (a problem to put right): keep it here too.
    write({ base, at: new Date().toISOString(), sent: false, values: values() });
  }

  form.addEventListener("input", remember);
  form.addEventListener("change", remember);
  form.addEventListener("submit", () => {
    clearTimeout(timer);
    write({ base, at: new Date().toISOString(), sent: true, values: values() });
  });
}
