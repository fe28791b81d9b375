// Shared by every screen: clear old messages when a new action starts.
document.addEventListener("htmx:beforeRequest", function (event) {
  var trigger = event.detail.requestConfig && event.detail.requestConfig.triggeringEvent;
  if (!trigger) return; // polling, not a person
  var box = document.getElementById("messages");
  if (box) box.innerHTML = "";
});

// "Quay lại" on error pages: the CSP allows no javascript: links, so the link is handled here.
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("[data-history-back]");
  if (!link || window.history.length < 2) return; // no history: follow the link home
  event.preventDefault();
  window.history.back();
});
