// The moderated session page: a timer, keyboard shortcuts and saving without leaving the page.
// Progressive enhancement only: without this file the same forms post normally and the time is typed in.
(() => {
  "use strict";

  const root = document.querySelector("[data-lab-session]");
  if (!root) return;

  const attemptForm = document.getElementById("attempt-form");
  const observationForm = document.getElementById("observation-form");
  const observationText = document.getElementById("observation-text");
  const observationAt = document.getElementById("observation-at");
  const observationList = document.getElementById("observation-list");
  const secondsField = document.getElementById("seconds");
  const display = document.getElementById("timer-display");
  const timerState = document.getElementById("timer-state");
  const saveStatus = document.getElementById("save-status");
  const shortcutsToggle = document.getElementById("shortcuts-on");
  const text = (key) => root.dataset[key] || "";

  for (const hidden of root.querySelectorAll("[data-needs-js]")) hidden.hidden = false;

  // ---- Timer: performance.now() deltas, so a wrong clock on the laptop cannot skew the time on task. ----
  let accumulated = Number(secondsField && secondsField.value) || 0;
  let runningSince = null;

  const elapsed = () => accumulated + (runningSince === null ? 0 : (performance.now() - runningSince) / 1000);
  const format = (seconds) => {
    const minutes = Math.floor(seconds / 60);
    const rest = seconds - minutes * 60;
    return `${String(minutes).padStart(2, "0")}:${rest.toFixed(1).padStart(4, "0")}`;
  };
  const paint = () => {
    if (display) display.textContent = format(elapsed());
    if (runningSince !== null) requestAnimationFrame(paint);
  };
  const announce = (message) => {
    if (timerState) timerState.textContent = message;
  };
  const startTimer = () => {
    if (runningSince !== null) return;
    runningSince = performance.now();
    root.classList.add("timer-running");
    announce(text("textRunning"));
    paint();
  };
  const stopTimer = () => {
    if (runningSince === null) return;
    accumulated = elapsed();
    runningSince = null;
    root.classList.remove("timer-running");
    if (secondsField) secondsField.value = accumulated.toFixed(1);
    markDirty();
    paint();
    announce(`${text("textStopped")} ${format(accumulated)}`);
  };
  const resetTimer = () => {
    runningSince = null;
    accumulated = 0;
    root.classList.remove("timer-running");
    if (secondsField) secondsField.value = "";
    paint();
    announce(text("textReset"));
  };
  const toggleTimer = () => (runningSince === null ? startTimer() : stopTimer());
  paint();

  if (secondsField) {
    // A time typed by hand becomes the timer's starting point.
    secondsField.addEventListener("change", () => {
      accumulated = Number(secondsField.value) || 0;
      paint();
    });
  }

  // ---- Saving: the same POST as the plain form, answered with a fragment (HX-Request). ----
  let dirty = false;
  let saving = Promise.resolve();
  function markDirty() {
    dirty = true;
    if (saveStatus) saveStatus.textContent = text("textUnsaved");
  }

  const post = async (form) => {
    const response = await fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "HX-Request": "true" },
      credentials: "same-origin",
    });
    const body = await response.text();
    return { ok: response.ok, body };
  };

  const fragment = (html) => {
    const template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content;
  };

  const saveAttempt = () => {
    if (!attemptForm) return Promise.resolve();
    if (runningSince !== null) stopTimer();
    if (!attemptForm.querySelector("input[name=outcome]:checked")) {
      if (saveStatus) saveStatus.textContent = text("textNeedOutcome");
      return Promise.resolve();
    }
    saving = saving.then(async () => {
      if (saveStatus) saveStatus.textContent = text("textSaving");
      try {
        const { ok, body } = await post(attemptForm);
        const answer = fragment(body);
        const version = answer.querySelector("[data-version]");
        if (ok && version) {
          attemptForm.elements.expected_version.value = version.dataset.version;
          dirty = false;
          const row = document.querySelector(`[data-task-status="${attemptForm.dataset.task}"]`);
          const outcome = answer.querySelector("[data-outcome-label]");
          if (row && outcome) row.textContent = outcome.dataset.outcomeLabel;
        }
        if (saveStatus) saveStatus.replaceChildren(answer);
      } catch (error) {
        if (saveStatus) saveStatus.textContent = text("textFailed");
      }
    });
    return saving;
  };

  if (attemptForm) {
    attemptForm.addEventListener("submit", (event) => {
      event.preventDefault();
      saveAttempt();
    });
    attemptForm.addEventListener("input", markDirty);
  }

  const bump = (name, by) => {
    const field = attemptForm && attemptForm.elements[name];
    if (!field) return;
    field.value = Math.max(0, (Number(field.value) || 0) + by);
    markDirty();
    announce(`${field.labels[0] ? field.labels[0].textContent.trim() : name}: ${field.value}`);
  };
  for (const button of root.querySelectorAll("[data-increment]")) {
    button.addEventListener("click", () => bump(button.dataset.increment, 1));
  }
  for (const button of root.querySelectorAll("[data-timer-action]")) {
    const actions = { start: startTimer, stop: stopTimer, reset: resetTimer };
    button.addEventListener("click", () => actions[button.dataset.timerAction]());
  }

  const chooseOutcome = (value) => {
    const radio = attemptForm && attemptForm.querySelector(`input[name=outcome][value="${value}"]`);
    if (!radio) return;
    radio.checked = true;
    markDirty();
    saveAttempt();
  };

  // ---- Observations: stamped with the offset from the session start when the researcher begins typing. ----
  const sessionOffsetAtLoad = Number(root.dataset.elapsedAtLoad);
  const loadedAt = performance.now();
  const stamp = () => {
    if (!observationAt || Number.isNaN(sessionOffsetAtLoad) || root.dataset.elapsedAtLoad === "") return;
    if (observationAt.value && observationAt.dataset.auto !== "true") return; // typed by hand: keep it
    observationAt.value = (sessionOffsetAtLoad + (performance.now() - loadedAt) / 1000).toFixed(0);
    observationAt.dataset.auto = "true";
  };
  if (observationAt) observationAt.addEventListener("input", () => (observationAt.dataset.auto = "false"));
  if (observationText) observationText.addEventListener("focus", stamp);

  if (observationForm) {
    observationForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (!observationText.value.trim()) return;
      const { ok, body } = await post(observationForm).catch(() => ({ ok: false, body: "" }));
      if (ok && observationList) {
        observationList.prepend(fragment(body));
        const empty = observationList.querySelector("[data-empty]");
        if (empty) empty.remove();
        observationText.value = "";
        observationAt.value = "";
        observationAt.dataset.auto = "true";
        if (saveStatus) saveStatus.textContent = text("textObservationSaved");
        observationText.blur();
      } else if (saveStatus) {
        saveStatus.textContent = text("textFailed");
      }
    });
  }

  // ---- Keyboard shortcuts: single keys, never while typing, and can be switched off (WCAG 2.1.4). ----
  const storageKey = "govcx.lab.shortcuts";
  if (shortcutsToggle) {
    shortcutsToggle.checked = localStorage.getItem(storageKey) !== "off";
    shortcutsToggle.addEventListener("change", () =>
      localStorage.setItem(storageKey, shortcutsToggle.checked ? "on" : "off"),
    );
  }
  const typing = (element) =>
    element instanceof HTMLElement &&
    (element.isContentEditable ||
      element.tagName === "TEXTAREA" ||
      element.tagName === "SELECT" ||
      (element.tagName === "INPUT" && !["checkbox", "radio", "button", "submit"].includes(element.type)));
  const activates = (element) =>
    element instanceof HTMLElement && ["BUTTON", "A", "SUMMARY", "INPUT"].includes(element.tagName);

  const navigate = async (link) => {
    if (!link) return;
    if (dirty && attemptForm && attemptForm.querySelector("input[name=outcome]:checked")) await saveAttempt();
    window.location.assign(link.href);
  };

  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (typing(target)) {
      if (event.key === "Escape") target.blur(); // back to shortcuts without reaching for the mouse
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
    if (shortcutsToggle && !shortcutsToggle.checked) return;
    const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    const handlers = {
      " ": () => toggleTimer(),
      r: () => resetTimer(),
      1: () => chooseOutcome("success"),
      2: () => chooseOutcome("partial"),
      3: () => chooseOutcome("failure"),
      4: () => chooseOutcome("abandoned"),
      e: () => bump("errors", 1),
      a: () => bump("assists", 1),
      s: () => saveAttempt(),
      n: () => navigate(document.querySelector("a[rel=next]")),
      p: () => navigate(document.querySelector("a[rel=prev]")),
      o: () => observationText && observationText.focus(),
    };
    const handler = handlers[key];
    if (!handler) return;
    // Space on a focused button or link keeps its own meaning; elsewhere it is the timer.
    if (key === " " && activates(target)) return;
    event.preventDefault();
    handler();
  });
})();
