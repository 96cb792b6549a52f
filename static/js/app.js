// Työkyky: behaviour that needs no inline script (the Content-Security-Policy forbids it).
document.addEventListener("DOMContentLoaded", () => {
  // Send htmx's CSRF token with every request it makes.
  const token = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (token) {
    document.body.addEventListener("htmx:configRequest", (event) => {
      event.detail.headers["X-CSRFToken"] = token.value;
    });
  }
});

// The consultation request form: show the identified or the anonymous part, as chosen.
// Without JavaScript both parts stay visible and the server uses the chosen one.
document.addEventListener("DOMContentLoaded", () => {
  const radios = document.querySelectorAll("input[data-toggle-sections=kind]");
  if (!radios.length) {
    return;
  }
  const sections = document.querySelectorAll("[data-section]");
  const update = () => {
    const chosen = document.querySelector("input[data-toggle-sections=kind]:checked");
    const kind = chosen ? chosen.value : "identified";
    sections.forEach((section) => {
      section.hidden = section.dataset.section !== kind;
    });
  };
  radios.forEach((radio) => radio.addEventListener("change", update));
  update();
});

// A form sent back with errors: focus moves to the error summary (role=alert), so that
// a screen reader reads it and the next Tab reaches its links.
document.addEventListener("DOMContentLoaded", () => {
  const errors = document.getElementById("form-errors");
  if (errors) {
    errors.focus();
  }
});

// A link of the error summary moves focus to its field, with the field's label (or the
// legend of its group) scrolled into view above it, not hidden under the top edge.
document.addEventListener("click", (event) => {
  const link = event.target.closest("#form-errors a[data-field]");
  if (!link) {
    return;
  }
  const field = document.getElementById(link.dataset.field);
  if (!field) {
    return;
  }
  event.preventDefault();
  const wrapper = field.closest("[id^=div_]") || field;
  wrapper.scrollIntoView({ block: "start" });
  field.focus({ preventScroll: true });
});

// A print button (the client link's paper view): the CSP forbids inline handlers.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
