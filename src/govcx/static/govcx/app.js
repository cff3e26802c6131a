// Progressive enhancement only: every page works without this file.

// A long <select data-search="Find by typing"> gets a search box above it that narrows its options: the select
// stays the control that is submitted (it works without JavaScript and keyboard and screen readers know it),
// the box only filters. The empty option ("All", "Choose ...") and the selected one always stay.
function enhanceSearchableSelect(select) {
  if (select.dataset.searchReady) return;
  select.dataset.searchReady = "1";
  // the select's children as they came: options, and option groups (a quota's dimension) with their options
  const parts = Array.from(select.children).map((child) => child.tagName === "OPTGROUP"
    ? { group: child, options: Array.from(child.children) } : { option: child });
  const label = select.id && document.querySelector(`label[for="${CSS.escape(select.id)}"]`);
  const box = document.createElement("input");
  box.type = "search";
  box.className = "select-search";
  box.autocomplete = "off";
  box.placeholder = select.dataset.search;
  box.setAttribute("aria-label", label ? `${select.dataset.search}: ${label.textContent.trim()}` : select.dataset.search);
  if (select.id) box.setAttribute("aria-controls", select.id);
  const status = document.createElement("span");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  box.addEventListener("input", () => {
    const words = box.value.trim().toLocaleLowerCase().split(/\s+/).filter(Boolean);
    const chosen = select.value;
    let found = 0;
    const keep = (option, context) => {
      const text = `${context} ${option.textContent}`.toLocaleLowerCase();
      const matches = words.every((w) => text.includes(w));
      if (matches && option.value !== "" && option.value !== chosen) found += 1;
      return matches || option.value === "" || option.value === chosen;
    };
    const shown = [];
    for (const part of parts) {
      if (part.option) {
        if (keep(part.option, "")) shown.push(part.option);
      } else {
        const kept = part.options.filter((o) => keep(o, part.group.label));
        part.group.replaceChildren(...kept);
        if (kept.length) shown.push(part.group);
      }
    }
    select.replaceChildren(...shown);
    select.value = chosen;
    status.textContent = (select.dataset.searchFound || "%s").replace("%s", String(found));
  });
  box.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    event.preventDefault();  // Enter picks the first match instead of sending the form half-filled
    const first = Array.from(select.options).find((o) => o.value !== "");
    if (first) { select.value = first.value; select.dispatchEvent(new Event("change", { bubbles: true })); }
    select.focus();
  });
  select.before(box, status);
}

// A <fieldset data-rows="prefix"> of Django formset rows: "Add a question" adds an empty row in place, from the
// fieldset's <template>, instead of posting the page back (which is what it does without JavaScript).
function enhanceRows(fieldset) {
  if (fieldset.dataset.rowsReady) return;
  fieldset.dataset.rowsReady = "1";
  const prefix = fieldset.dataset.rows;
  const total = fieldset.querySelector(`input[name="${prefix}-TOTAL_FORMS"]`);
  const template = fieldset.querySelector("template");
  const rows = fieldset.querySelector(".screener-rows, [data-rows-list]");
  const add = fieldset.querySelector(`button[name="${prefix}-add-row"]`);
  if (!total || !template || !rows || !add) return;
  add.addEventListener("click", (event) => {
    event.preventDefault();
    const index = Number(total.value);
    const holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.replaceAll("__prefix__", String(index));
    const row = holder.firstElementChild;
    const number = row.querySelector(".row-number");
    if (number) number.textContent = String(index + 1);
    rows.append(row);
    total.value = String(index + 1);
    const first = row.querySelector("input, textarea, select");
    if (first) first.focus();
  });
}

function enhance(root) {
  for (const select of root.querySelectorAll("select[data-search]")) enhanceSearchableSelect(select);
  for (const fieldset of root.querySelectorAll("fieldset[data-rows]")) enhanceRows(fieldset);
}

document.addEventListener("DOMContentLoaded", () => {
  for (const bar of document.querySelectorAll(".bar[data-value]")) {
    const max = Number(bar.dataset.max) || 1;
    bar.style.width = `${Math.round((Number(bar.dataset.value) / max) * 200)}px`;
  }
  enhance(document);
});
document.addEventListener("htmx:load", (event) => {
  enhance(event.target);
  // content swapped in after a save keeps the keyboard where the person was (the swapped element is new)
  const focus = event.target.matches("[data-autofocus]") ? event.target : event.target.querySelector("[data-autofocus]");
  if (focus) focus.focus();
});
