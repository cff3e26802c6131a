// Copy buttons: [data-copy="<id of the field>"] copies that field's value. Without JS the field is selectable.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-copy]")) {
    const field = document.getElementById(button.dataset.copy);
    const status = document.getElementById("copy-status");
    if (!field) continue;
    button.hidden = false;
    button.addEventListener("click", async () => {
      field.select();
      try {
        await navigator.clipboard.writeText(field.value);
      } catch (error) {
        document.execCommand("copy"); // older browsers, or a page not in a secure context
      }
      if (status) status.textContent = button.dataset.copied || "";
    });
  }
});
