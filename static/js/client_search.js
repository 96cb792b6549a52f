// The client search: a personal identity code typed into the name search would travel in
// the URL (GET) into browser history and server logs. Such a value is moved to the
// identity-code search, which is sent by POST. The server refuses a code-shaped name
// search too (without this script), so this only saves the user a round trip.
document.addEventListener("DOMContentLoaded", () => {
  const nameForm = document.getElementById("name-search");
  if (!nameForm) {
    return;
  }
  const codeForm = document.getElementById(nameForm.dataset.codeForm);
  const query = nameForm.querySelector("input[name=q]");
  const codeInput = codeForm && codeForm.querySelector("input[name=personal_identity_code]");
  if (!query || !codeInput) {
    return;
  }
  // The shape of clients.models.IDENTITY_CODE_SHAPE, after removing spaces.
  const shape = /^\d{6}[-+A-FU-Y]?\d{3}[0-9A-Z]$/;
  nameForm.addEventListener("submit", (event) => {
    const value = query.value.replace(/\s+/g, "").toUpperCase();
    if (!shape.test(value)) {
      return;
    }
    event.preventDefault();
    codeInput.value = value;
    query.value = "";
    codeForm.submit();
  });
});
