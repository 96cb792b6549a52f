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
  const errors = document.getElementById("form-errors");
  if (errors) {
    errors.focus();
  }
});
