// Kiosk "Đánh giá dịch vụ": the big keys type the ticket's number into its field (no inline script: CSP).
(function () {
  document.addEventListener("click", function (event) {
    var key = event.target.closest("[data-key]");
    if (!key) return;
    var form = key.closest("form");
    var field = form && form.querySelector("[data-keypad-field]");
    if (!field) return;
    var value = field.value.toUpperCase();
    if (key.dataset.key === "back") {
      field.value = value.slice(0, -1);
    } else if (value.length < Number(field.maxLength || 8)) {
      field.value = value + key.dataset.key;
    }
  });
})();
