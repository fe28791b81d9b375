// Counter: one key per action, shown on its button (docs/counter-day.md lists them):
// N next (finishes the one served), R recall, H hold, V no-show, K finish, D dossier intake,
// P reprint, X confirm a declared priority, B not in the priority category, G resume the first
// held ticket; T jumps to the transfer list. Never while typing (inputs, lists, an IME composing).
document.addEventListener("keydown", function (event) {
  if (event.ctrlKey || event.altKey || event.metaKey || event.repeat || event.isComposing) return;
  var target = event.target;
  if (target.isContentEditable) return;
  if (target.closest && target.closest("input, select, textarea, [contenteditable]")) return;
  if (!event.key || event.key.length !== 1) return;
  var key = event.key.toLowerCase();
  var button = document.querySelector('[data-shortcut="' + key + '"]:not([disabled])');
  if (button) { event.preventDefault(); button.click(); return; }
  var field = document.querySelector('[data-shortcut-focus="' + key + '"]');
  if (field) { event.preventDefault(); field.focus(); }
});
