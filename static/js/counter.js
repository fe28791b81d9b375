// Counter: one key per action (N, R, H, V, K, P; T jumps to the transfer list).
document.addEventListener("keydown", function (event) {
  if (event.ctrlKey || event.altKey || event.metaKey || event.repeat) return;
  var target = event.target;
  if (target.closest && target.closest("input, select, textarea, [contenteditable]")) return;
  var key = event.key.toLowerCase();
  var button = document.querySelector('[data-shortcut="' + key + '"]:not([disabled])');
  if (button) { event.preventDefault(); button.click(); return; }
  var field = document.querySelector('[data-shortcut-focus="' + key + '"]');
  if (field) { event.preventDefault(); field.focus(); }
});
