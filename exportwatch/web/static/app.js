// Progressive enhancement only: every page works without this file.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // Facet checkboxes apply at once (the "Apply filters" button stays for keyboard users).
  document.querySelectorAll("input.facet").forEach((box) => {
    box.addEventListener("change", () => {
      const form = document.getElementById("search-form");
      if (form) form.requestSubmit();
    });
  });
  // Copy the citation text; the status is announced to screen readers.
  document.querySelectorAll("button.copy").forEach((button) => {
    button.addEventListener("click", async () => {
      const source = document.getElementById(button.dataset.copy);
      const status = button.parentElement.querySelector(".copied");
      try {
        await navigator.clipboard.writeText(source.textContent.trim());
        if (status) status.textContent = "Copied.";
      } catch (err) {
        if (status) status.textContent = "Select the text and copy it (the browser refused).";
      }
    });
  });
});
