// Organisation pickers (coordination/pickers.py): without JavaScript the page has a
// grouped <select multiple>; with it, a search field lists the matches (htmx) and a
// ticked match moves into the list of chosen organisations, so a new search keeps it.
(() => {
  if (window.orgPickerReady) {
    return;
  }
  window.orgPickerReady = true;
  const enhance = (picker) => {
    if (picker.dataset.enhanced) {
      return;
    }
    picker.dataset.enhanced = "1";
    const live = picker.querySelector(".org-picker-js");
    const search = live.querySelector("input[type=search]");
    const chosen = live.querySelector(".org-picker-selected");
    search.id = picker.dataset.for;
    live.querySelectorAll("input[disabled]").forEach((input) => {
      input.disabled = false;
    });
    live.hidden = false;
    // Enter searches; it must not send the surrounding form half-filled.
    search.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
      }
    });
    live.querySelector(".org-picker-results").addEventListener("change", (event) => {
      const box = event.target;
      if (!(box instanceof HTMLInputElement) || !box.checked) {
        return;
      }
      if (box.type === "radio") {
        // One organisation: the new choice takes the place of the earlier one.
        chosen.querySelectorAll("input[type=radio]").forEach((old) => {
          if (old.value) {
            old.closest("li").remove();
          }
        });
      }
      const item = document.createElement("li");
      item.appendChild(box.closest(".form-check"));
      box.id = box.id.replace("_r_", "_sel_");
      item.querySelector("label").htmlFor = box.id;
      chosen.appendChild(item);
      box.focus();
    });
  };
  const start = () => {
    document.querySelectorAll("[data-org-picker]").forEach(enhance);
  };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
