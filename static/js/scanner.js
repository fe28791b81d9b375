// Keyboard-wedge scanners type the QR content and press Enter. In a scan field Enter means
// "scanned" (htmx listens for it); elsewhere in a form Enter must not submit a dossier by accident.
document.addEventListener("keydown", function (event) {
  if (event.key !== "Enter") return;
  var field = event.target;
  if (!field.matches || !field.matches("input")) return;
  if (field.matches("[data-scan-field]")) {
    event.preventDefault();
    field.dispatchEvent(new CustomEvent("scanned", { bubbles: true }));
    return;
  }
  if (field.form && field.form.id === "intake") event.preventDefault();
});
document.addEventListener("htmx:afterSwap", function (event) {
  var scan = document.querySelector("[data-scan-field]");
  if (scan && event.target.id === "applicant") scan.value = "";
});
