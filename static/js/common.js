// Shared by every screen: clear old messages when a new action starts.
document.addEventListener("htmx:beforeRequest", function (event) {
  var trigger = event.detail.requestConfig && event.detail.requestConfig.triggeringEvent;
  if (!trigger) return; // polling, not a person
  var box = document.getElementById("messages");
  if (box) box.innerHTML = "";
});
