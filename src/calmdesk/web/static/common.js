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
