// calmdesk: small helpers shared by every page (no libraries).
"use strict";

(function () {
  // Language switch and filters submit as soon as a choice is made.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // Ask before destructive actions (erase, revoke); the message is on the form.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });

  // Times are stored and sent in UTC; people read and type them in their own local time.
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function localText(date) {
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()) +
      " " + pad(date.getHours()) + ":" + pad(date.getMinutes());
  }
  document.querySelectorAll("time[data-local]").forEach(function (node) {
    var date = new Date(node.getAttribute("datetime"));
    if (!isNaN(date)) { node.textContent = localText(date); node.title = node.getAttribute("datetime"); }
  });
  document.querySelectorAll("input[data-utc]").forEach(function (input) {
    var date = new Date(input.getAttribute("data-utc"));
    if (!isNaN(date)) { input.value = localText(date).replace(" ", "T"); }
    input.form.addEventListener("submit", function () {
      if (!input.value) { return; }
      var hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = input.name;
      hidden.value = new Date(input.value).toISOString();  // the browser's zone -> UTC
      input.removeAttribute("name");
      input.form.appendChild(hidden);
    });
  });

  // Copy buttons: data-copy-from names the element whose text is copied.
  window.calmdeskCopy = function (text, button, doneLabel) {
    function done() {
      var old = button.textContent;
      button.textContent = doneLabel || "✓";
      button.setAttribute("data-copied", "true");
      setTimeout(function () { button.textContent = old; }, 1500);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { fallback(text); done(); });
    } else {
      fallback(text);
      done();
    }
  };
  function fallback(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } catch (e) { /* the text stays selectable */ }
    document.body.removeChild(area);
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-from]");
    if (!button) { return; }
    var source = document.getElementById(button.getAttribute("data-copy-from"));
    if (source) { window.calmdeskCopy(source.textContent, button, button.getAttribute("data-done")); }
  });
})();
