// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  for (const bar of document.querySelectorAll(".bar[data-value]")) {
    const max = Number(bar.dataset.max) || 1;
    bar.style.width = `${Math.round((Number(bar.dataset.value) / max) * 200)}px`;
  }
});
