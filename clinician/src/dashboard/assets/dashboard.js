// Small conveniences on top of pages that work without script. Nothing here reads or writes
// the browser's storage, and nothing is fetched: the pages come complete from the dashboard.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // The print view's button (hidden when script does not run; the page says how to print).
  for (const button of document.querySelectorAll("button.print")) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }
  for (const note of document.querySelectorAll(".no-script")) {
    note.hidden = true;
  }

  // The suggestion form shows only the fields that the chosen kind uses.
  const kind = document.getElementById("kind");
  if (kind) {
    const fields = document.querySelectorAll(".suggest .field[data-for]");
    const show = () => {
      for (const f of fields) {
        const on = f.dataset.for === kind.value;
        f.hidden = !on;
        for (const input of f.querySelectorAll("input, select")) {
          input.disabled = !on;
        }
      }
    };
    kind.addEventListener("change", show);
    show();
  }
});
