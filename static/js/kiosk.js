// Kiosk: return to the Vietnamese home screen after a quiet spell.
(function () {
  var screen = document.getElementById("kiosk-screen");
  if (!screen) return;
  var idleMs = Number(screen.dataset.idleSeconds || 20) * 1000;
  var last = Date.now();
  function touched() { last = Date.now(); }
  ["pointerdown", "keydown", "touchstart"].forEach(function (name) {
    document.addEventListener(name, touched, { passive: true });
  });
  function atHome() {
    return !!screen.querySelector('[data-screen="home"]') && document.documentElement.lang === "vi";
  }
  setInterval(function () {
    if (Date.now() - last < idleMs || atHome()) return;
    last = Date.now();
    window.location.href = "/lang/vi?next=" + encodeURIComponent(screen.dataset.homeUrl);
  }, 1000);
})();
