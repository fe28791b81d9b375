// The staff session's idle clock, as the server counts it (counter/auth.py staff_clock).
//
// Typing and clicking count as activity: at most once per throttle period (a minute, or a quarter of
// a shorter timeout) the page posts to the "alive" endpoint, which resets the server's idle clock.
// Before expiry a warning counts down with "Tiếp tục làm việc"; when the session has ended it says
// so and offers to log in again (drafts.js keeps what was typed). Every staff response carries
// X-Session-Remaining, so an htmx action resets this page's clock too. Polling does not: it is
// passive on the server, and the header it returns says so.
(function () {
  if (window.motcuaSession) return;
  window.motcuaSession = true;

  function meta(name) {
    var element = document.querySelector('meta[name="' + name + '"]');
    return element ? element.getAttribute("content") : null;
  }
  var aliveUrl = meta("session-alive-url");
  if (!aliveUrl) return;
  var statusUrl = meta("session-status-url");
  var loginUrl = meta("session-login-url");
  var timeout = Number(meta("session-timeout")) || 900;
  var warnBefore = Number(meta("session-warn")) || 120;
  var throttle = Math.min(60, timeout / 4) * 1000;
  var deadline = Date.now() + Number(meta("session-remaining")) * 1000;
  var lastPing = Date.now(); // loading this page was itself an action
  var busy = false;
  var ended = false;
  var box = null;

  function headers() {
    return { "X-CSRFToken": meta("csrf-token") || "", "HX-Request": "true" };
  }

  // The server's answer: the seconds left, or 401 once the session is over.
  function learn(response) {
    if (response.status === 401) return end();
    if (!response.ok) return null;
    return response.json().then(function (data) {
      setRemaining(Number(data.remaining));
    });
  }

  function setRemaining(seconds) {
    if (isNaN(seconds) || ended) return;
    deadline = Date.now() + seconds * 1000;
    if (seconds <= 0) end();
    else if (seconds > warnBefore) hide();
  }

  function ask(url, method) {
    busy = true;
    return fetch(url, { method: method, headers: headers(), credentials: "same-origin" })
      .then(learn)
      .catch(function () { /* offline for a moment: the next tick or keystroke asks again */ })
      .then(function () { busy = false; });
  }

  function keepAlive() {
    lastPing = Date.now();
    return ask(aliveUrl, "POST");
  }

  function activity() {
    if (ended || busy || Date.now() - lastPing < throttle) return;
    keepAlive();
  }

  function show() {
    if (!box) {
      var template = document.getElementById("session-warning-template");
      if (!template) return;
      box = template.content.firstElementChild.cloneNode(true);
      document.body.appendChild(box);
      box.querySelector("#session-extend").addEventListener("click", keepAlive);
    }
    box.hidden = false;
  }

  function hide() {
    if (box && !ended) box.hidden = true;
  }

  function end() {
    if (ended) return;
    ended = true;
    show();
    if (!box) return;
    box.classList.add("ended");
    box.querySelector(".soon").hidden = true;
    box.querySelector(".ended").hidden = false;
    box.querySelector("#session-extend").hidden = true;
    var login = box.querySelector("#session-login");
    login.href = loginUrl + "?next=" + encodeURIComponent(location.pathname + location.search);
    login.hidden = false;
  }

  function tick() {
    if (ended || busy) return;
    var left = Math.ceil((deadline - Date.now()) / 1000);
    if (left > warnBefore) return hide();
    if (box && !box.hidden && left > 0) {
      box.querySelector("#session-left").textContent = String(left);
      return;
    }
    // About to warn or to call it over: ask first, another tab may have kept the session alive.
    ask(statusUrl, "GET").then(function () {
      var now = Math.ceil((deadline - Date.now()) / 1000);
      if (ended || now > warnBefore) return;
      show();
      if (box) box.querySelector("#session-left").textContent = String(Math.max(0, now));
    });
  }

  ["keydown", "input", "pointerdown"].forEach(function (type) {
    document.addEventListener(type, activity, { capture: true, passive: true });
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var xhr = event.detail && event.detail.xhr;
    var left = xhr && xhr.getResponseHeader("X-Session-Remaining");
    if (left !== null && left !== undefined && left !== "") setRemaining(Number(left));
  });
  setInterval(tick, 1000);
})();
