// Drafts of long staff forms (<form data-draft="name" data-draft-scope="…">), kept in this browser's
// localStorage as the officer types, so an expired session or a closed tab loses nothing.
//
// One draft per officer, form and scope (e.g. the ticket): "motcua-draft:<staff id>:<form>:<scope>".
// A draft is restored when its form is opened fresh (not when the server re-rendered it with
// errors: then the server's values are the typed ones), with a notice and "Bỏ bản nháp". Personal
// data does not stay behind: a draft is removed once its form was sent and the next page is not
// the form again (received), when discarded, at an explicit logout, and after MAX_AGE in any case.
(function () {
  if (window.motcuaDrafts) return;
  window.motcuaDrafts = true;

  var PREFIX = "motcua-draft:";
  var SENT = "motcua-draft-sent"; // sessionStorage: the key of the draft whose form was just sent
  var MAX_AGE = 12 * 3600 * 1000;
  var staffMeta = document.querySelector('meta[name="staff-id"]');
  if (!staffMeta || !window.localStorage) return;
  var staff = staffMeta.getAttribute("content");
  var leaving = false; // discarded: nothing may be saved again while the page goes

  function read(key) {
    try {
      var draft = JSON.parse(localStorage.getItem(key));
      return draft && typeof draft.saved === "number" && Array.isArray(draft.values) ? draft : null;
    } catch (error) {
      return null;
    }
  }

  function forget(key) {
    localStorage.removeItem(key);
  }

  function purge(predicate) {
    for (var index = localStorage.length - 1; index >= 0; index--) {
      var key = localStorage.key(index);
      if (key && key.indexOf(PREFIX) === 0 && predicate(key, read(key))) forget(key);
    }
  }

  function keyOf(form) {
    return PREFIX + staff + ":" + form.getAttribute("data-draft") + ":" + (form.getAttribute("data-draft-scope") || "");
  }

  function kept(element) {
    if (!element.name || element.disabled || element.name === "csrf_token") return false;
    if (element.hasAttribute("data-draft-skip")) return false;
    return !/^(submit|button|reset|file|image|password)$/.test(element.type);
  }

  function snapshot(form) {
    var values = [];
    var content = false;
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!kept(element)) return;
      if (element.type === "checkbox" || element.type === "radio") {
        values.push({ n: element.name, v: element.value, c: element.checked });
      } else {
        values.push({ n: element.name, v: element.value });
        if (element.type !== "hidden" && element.value.trim()) content = true;
      }
    });
    return content ? values : null;
  }

  function save(form) {
    if (leaving) return;
    var values = snapshot(form);
    if (!values) return forget(keyOf(form));
    try {
      localStorage.setItem(keyOf(form), JSON.stringify({ saved: Date.now(), values: values }));
    } catch (error) { /* storage full or refused: the form itself still works */ }
  }

  // Put the draft's values back; returns the fields whose change loads more of the form (htmx).
  function apply(form, draft) {
    var loaders = [];
    var used = {};
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!kept(element) || element.type === "hidden") return;
      var entries = draft.values.filter(function (entry) { return entry.n === element.name; });
      if (!entries.length) return;
      if (element.type === "checkbox" || element.type === "radio") {
        element.checked = entries.some(function (entry) { return entry.v === element.value && entry.c; });
        return;
      }
      var position = used[element.name] || 0;
      var entry = entries[Math.min(position, entries.length - 1)];
      used[element.name] = position + 1;
      if (element.value === entry.v) return;
      element.value = entry.v;
      if (element.hasAttribute("hx-get") || element.hasAttribute("hx-post")) loaders.push(element);
    });
    draft.values.forEach(function (entry) { // hidden fields the server filled (e.g. reused details)
      var hidden = form.querySelector('input[type="hidden"][name="' + entry.n + '"]');
      if (hidden && entry.n !== "ticket_id") hidden.value = entry.v;
    });
    return loaders;
  }

  function restore(form, draft) {
    var loaders = apply(form, draft);
    // A chosen procedure loads its checklist: fill that part in once it has arrived.
    var pending = loaders.length;
    if (pending) {
      form.addEventListener("htmx:afterSettle", function again() {
        apply(form, draft);
        pending -= 1;
        if (pending <= 0) form.removeEventListener("htmx:afterSettle", again);
      });
      loaders.forEach(function (element) {
        if (window.htmx) window.htmx.trigger(element, "change");
      });
    }
    notice(form, draft);
  }

  function notice(form, draft) {
    var template = document.getElementById("draft-notice-template");
    if (!template) return;
    var box = template.content.firstElementChild.cloneNode(true);
    var saved = new Date(draft.saved);
    function two(n) { return (n < 10 ? "0" : "") + n; }
    box.querySelector(".draft-time").textContent = two(saved.getHours()) + ":" + two(saved.getMinutes()) +
      " " + two(saved.getDate()) + "/" + two(saved.getMonth() + 1) + "/" + saved.getFullYear();
    box.querySelector("#draft-discard").addEventListener("click", function () {
      leaving = true;
      forget(keyOf(form));
      sessionStorage.removeItem(SENT);
      location.replace(location.href); // the form as it was before the draft
    });
    form.insertBefore(box, form.firstElementChild && form.firstElementChild.nextSibling);
  }

  function watch(form) {
    var timer = null;
    function soon() {
      clearTimeout(timer);
      timer = setTimeout(function () { save(form); }, 300);
    }
    form.addEventListener("input", soon);
    form.addEventListener("change", soon);
    form.addEventListener("htmx:afterSettle", soon); // a scanned card filled the applicant
    form.addEventListener("submit", function () {
      save(form);
      sessionStorage.setItem(SENT, keyOf(form));
    });
    form.addEventListener("htmx:beforeRequest", function (event) {
      if (event.detail.elt !== form) return;
      save(form);
      sessionStorage.setItem(SENT, keyOf(form));
    });
    window.addEventListener("pagehide", function () { if (form.isConnected) save(form); });
  }

  function start(form) {
    var key = keyOf(form);
    if (sessionStorage.getItem(SENT) === key) sessionStorage.removeItem(SENT);
    if (form.hasAttribute("data-draft-rendered")) {
      save(form); // the server showed the form again with what was sent: that is the draft now
    } else {
      var draft = read(key);
      if (draft && Date.now() - draft.saved < MAX_AGE) restore(form, draft);
    }
    watch(form);
  }

  // After htmx has wired the page (it does so when the document is loaded): a restored procedure
  // must be able to load its checklist.
  function later() { setTimeout(begin, 0); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", later);
  else later();

  function begin() {
    purge(function (key, draft) { return !draft || Date.now() - draft.saved > MAX_AGE; });
    // A form sent, and this page is not that form again: it was received, the draft is done.
    var sent = sessionStorage.getItem(SENT);
    if (sent && !Array.prototype.some.call(document.querySelectorAll("form[data-draft]"), function (form) {
      return keyOf(form) === sent;
    })) {
      forget(sent);
      sessionStorage.removeItem(SENT);
    }
    Array.prototype.forEach.call(document.querySelectorAll("form[data-draft]"), start);
  }

  // The form swapped itself after an error: watch the new one (its values are the draft now).
  Array.prototype.forEach.call(document.querySelectorAll("form[data-draft]"), function (form) {
    form.motcuaWatched = true;
  });
  document.addEventListener("htmx:load", function (event) {
    var fresh = event.target.matches && event.target.matches("form[data-draft]") ? event.target : null;
    if (!fresh || fresh.motcuaWatched) return;
    fresh.motcuaWatched = true;
    sessionStorage.removeItem(SENT);
    save(fresh);
    watch(fresh);
  });

  // An explicit logout: the officer is leaving this computer, take their drafts away.
  document.addEventListener("submit", function (event) {
    var action = event.target.getAttribute && event.target.getAttribute("action");
    if (action && /\/logout$/.test(action)) {
      purge(function (key) { return key.indexOf(PREFIX + staff + ":") === 0; });
      sessionStorage.removeItem(SENT);
    }
  });
  // Links in the error summary: move the cursor to the field, not just the view.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-focus]");
    var field = link && document.getElementById(link.getAttribute("data-focus"));
    if (!field) return;
    event.preventDefault();
    field.focus();
    field.scrollIntoView({ block: "center" });
  });
})();
