// Keyboard-wedge scanners (ID card QR, receipt QR) "type" what they read and press Enter.
//
// 1. In a scan field ([data-scan-field]) Enter means "scanned": a field wired to htmx
//    (hx-trigger="scanned") posts it; a plain one submits its form. Elsewhere in the intake form
//    Enter must not submit a dossier by accident.
// 2. On a page with a scan endpoint (<body data-scan-url> or <meta name="scan-url">) a scan works
//    with no field clicked first. A scanner types 30–200 characters less than ~50 ms apart and
//    ends with Enter (or Tab); a person is slower, so timing alone tells them apart. The scan is
//    posted to the endpoint, which answers with HX-Redirect, a message for #messages, or
//    "scan-in-place" (hand it to this page's own scan field, keeping the form as it is).
//    Keys aimed at text fields are watched only where the page opts in (data-scan-inputs): a scan
//    there is taken back out of the field, so no card data is left in "Ghi chú".
(function () {
  if (window.motcuaScanner) return; // included by more than one template block: listen once
  window.motcuaScanner = true;

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") return;
    var field = event.target;
    if (!field.matches || !field.matches("input")) return;
    if (field.matches("[data-scan-field]")) {
      if (!field.hasAttribute("hx-trigger")) return;
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

  function setting(name) {
    var meta = document.querySelector('meta[name="' + name + '"]');
    var value = document.body.getAttribute("data-" + name);
    return value !== null ? value : meta ? meta.getAttribute("content") : null;
  }
  var scanUrl = setting("scan-url");
  if (!scanUrl) return;
  var watchInputs = setting("scan-inputs") !== null;
  var MAX_GAP_MS = Number(setting("scan-gap-ms")) || 50;
  var MIN_LENGTH = 12; // shorter than any card payload or receipt URL
  // No person types 6 keys in a row under MAX_GAP_MS apart; once a burst has, a pause of the page
  // itself (a swap, fonts loading) up to STALL_MS must not cut the scan in two.
  var PROVEN = 6;
  var STALL_MS = 300;
  var REPLAY_MAX = 3; // a person's quick double key; a longer burst with no Enter is a scanner's
  // How long (real time) a burst waits for its next key before it is over; by default the gap
  // allowed between keys. A site whose kiosk PC stalls mid-scan can raise it (SCANNER_WAIT_MS).
  var WAIT_MS = Number(setting("scan-wait-ms")) || 0;

  // Keys aimed at no text field (the page, a button, a select) have nowhere to go, and a
  // scanner's Vietnamese letters arrive as text input, not as key presses: once a burst starts,
  // they are caught in this off-screen field. inputmode=none keeps a touch keyboard from opening;
  // a textarea, because a 1-pixel <input> scrambles the order of text inserted by an IME.
  var sink = document.createElement("textarea");
  sink.setAttribute("aria-hidden", "true");
  sink.setAttribute("tabindex", "-1");
  sink.setAttribute("autocomplete", "off");
  sink.setAttribute("inputmode", "none");
  sink.style.cssText = "position:fixed;left:-10000px;top:0;width:1px;height:1px;border:0;padding:0;opacity:0";

  var burst = null; // {target, text: bool, keys: [], snapshot, last, count, sinking}
  var timer = null;
  var replaying = false;
  var lastScan = null;
  var MODIFIERS = /^(Shift|Alt|AltGraph|Control|Meta|CapsLock|NumLock)$/;

  // "text": a field whose value we can read back and restore; "editable": a field we leave alone
  // (password, number, email: no selection API); "page": anything that does not take text.
  function targetKind(el) {
    if (el.matches("textarea") || (el.matches("input") && /^(text|search|url|tel)$/.test(el.type))) return "text";
    if (el.isContentEditable) return "editable";
    if (el.matches("input") && !/^(button|checkbox|radio|submit|reset|image|file|range|color)$/.test(el.type)) {
      return "editable";
    }
    return "page";
  }

  // What the burst typed into a text field: the value now, minus what was there and not selected.
  function typedInto(el, before) {
    var kept = before.value.length - (before.end - before.start);
    return el.value.slice(before.start, before.start + el.value.length - kept);
  }

  function burstText() {
    if (burst.text) return typedInto(burst.target, burst.snapshot);
    return burst.keys.join("") + (burst.sinking ? sink.value : "");
  }

  function leaveSink() {
    sink.value = "";
    var el = burst.target;
    if (el.isConnected && el !== document.body) el.focus({ preventScroll: true });
    else sink.blur();
  }

  // After a scan: put the page back as it was before the scanner's keys arrived.
  function undo() {
    var el = burst.target, before = burst.snapshot;
    if (burst.sinking) leaveSink();
    if (burst.text && el.value !== before.value) {
      el.value = before.value;
      el.setSelectionRange(before.start, before.end);
      el.dispatchEvent(new Event("input", { bubbles: true }));
    } else if (el.matches("select") && el.selectedIndex !== before.index) { // type-ahead on its first key
      el.selectedIndex = before.index;
      el.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  // A burst that ended without Enter: a person's key or two go on to the page's shortcuts.
  function end() {
    clearTimeout(timer);
    if (!burst) return;
    var done = burst;
    var text = burstText();
    if (done.sinking) leaveSink();
    burst = null;
    if (done.text || text.length > REPLAY_MAX) return;
    replaying = true;
    text.split("").forEach(function (key) {
      done.target.dispatchEvent(new KeyboardEvent("keydown", { key: key, bubbles: true, cancelable: true }));
    });
    replaying = false;
  }

  function send(text) {
    lastScan = text;
    if (!document.getElementById("messages")) {
      var box = document.createElement("div");
      box.id = "messages";
      box.setAttribute("aria-live", "assertive");
      (document.querySelector("main") || document.body).prepend(box);
    }
    var inPlace = Array.prototype.map.call(document.querySelectorAll("[data-scan-field]"), function (f) {
      return f.getAttribute("data-scan-field");
    }).filter(Boolean).join(" ");
    var token = document.querySelector('meta[name="csrf-token"]');
    htmx.ajax("POST", scanUrl, {
      source: document.body, target: document.body, swap: "none",
      values: { scan: text, in_place: inPlace },
      headers: token ? { "X-CSRFToken": token.getAttribute("content") } : {}
    }).then(forget, forget);
  }

  function forget() {
    lastScan = null; // a card is personal data: keep it no longer than its request
  }

  // The server recognised a card and this page has a card field: let that field do its job.
  document.addEventListener("scan-in-place", function (event) {
    var field = document.querySelector('[data-scan-field="' + event.detail.value + '"]');
    if (!field || lastScan === null) return;
    field.value = lastScan;
    forget();
    field.dispatchEvent(new CustomEvent("scanned", { bubbles: true }));
  });

  function gapLimit() {
    return burst.count >= PROVEN ? STALL_MS : MAX_GAP_MS;
  }

  // Capture phase on window: runs before the counter's one-key shortcuts and the form's handlers.
  // Times are the events' own (when the key came in), not when a busy page got round to them.
  window.addEventListener("keydown", function (event) {
    var el = event.target;
    if (replaying || event.isComposing || !el.matches) return;
    if (el !== sink && el.closest("[data-scan-field]")) return; // (1) handles it
    var kind = el === sink ? "sink" : targetKind(el);
    if (kind === "editable" || (kind === "text" && !watchInputs)) return;
    var now = event.timeStamp;
    if (MODIFIERS.test(event.key) || event.altKey) { // Shift for capitals; Alt+numpad codes for ễ
      if (burst) burst.last = now;
      return;
    }
    var fast = burst !== null && now - burst.last < gapLimit();
    if ((event.key === "Enter" || event.key === "Tab") && fast) {
      var scanned = burstText();
      if (scanned.length >= MIN_LENGTH) {
        event.preventDefault();
        event.stopImmediatePropagation();
        clearTimeout(timer);
        undo();
        burst = null;
        send(scanned);
        return;
      }
    }
    if (event.key.length !== 1 || event.ctrlKey || event.metaKey || event.repeat) {
      end(); // a scanner sends none of these: whatever was under way was not a scan
      return;
    }
    if (kind === "sink") {
      if (!burst) return;
    } else {
      if (!fast) {
        end();
        burst = { target: el, text: kind === "text", keys: [], last: now, count: 0, sinking: false,
                  snapshot: el.matches("select") ? { index: el.selectedIndex }
                    : { value: el.value, start: el.selectionStart, end: el.selectionEnd } };
      }
      if (kind === "page") {
        // Held back from the shortcuts until we know; a second fast key makes it a scan.
        event.stopImmediatePropagation();
        burst.keys.push(event.key);
        if (burst.keys.length === 2) {
          event.preventDefault();
          if (!sink.isConnected) document.body.appendChild(sink);
          sink.value = "";
          sink.focus({ preventScroll: true });
          burst.sinking = true;
        }
      }
    }
    burst.last = now;
    burst.count += 1;
    clearTimeout(timer);
    timer = setTimeout(end, WAIT_MS || (burst.count >= PROVEN ? STALL_MS : MAX_GAP_MS * 1.5));
  }, true);

  // Letters that arrive as text input without a key press (ễ, ữ…) still count as fast keys.
  window.addEventListener("input", function (event) {
    if (burst && (event.target === sink || event.target === burst.target)) burst.last = event.timeStamp;
  }, true);
})();
