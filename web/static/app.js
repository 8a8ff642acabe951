// Progressive enhancements for sslreseller's pages; everything works without them.
// Loaded from /static (the CSP allows scripts from self only, nothing inline).
(function () {
  "use strict";

  // Copy buttons: <button data-copy="element-id" hidden> copies that element's text.
  function setupCopy(root) {
    if (!navigator.clipboard) return;
    root.querySelectorAll("[data-copy]").forEach(function (btn) {
      if (btn.dataset.copyReady) return;
      btn.dataset.copyReady = "1";
      btn.hidden = false;
      btn.addEventListener("click", function () {
        var src = document.getElementById(btn.dataset.copy);
        if (!src) return;
        navigator.clipboard.writeText(src.textContent.trim()).then(function () {
          var label = btn.querySelector("span");
          var old = label ? label.textContent : "";
          btn.classList.add("is-copied");
          if (label) label.textContent = "Copied";
          setTimeout(function () {
            btn.classList.remove("is-copied");
            if (label) label.textContent = old;
          }, 2000);
        });
      });
    });
  }

  // A click on a secret selects all of it, ready to copy by hand.
  function setupSelect(root) {
    root.querySelectorAll(".secret-value").forEach(function (el) {
      if (el.dataset.selectReady) return;
      el.dataset.selectReady = "1";
      el.addEventListener("click", function () {
        var range = document.createRange();
        range.selectNodeContents(el);
        var sel = window.getSelection();
        sel.removeAllRanges();
        sel.addRange(range);
      });
    });
  }

  function setup(root) {
    setupCopy(root);
    setupSelect(root);
  }

  document.addEventListener("DOMContentLoaded", function () { setup(document); });
  document.addEventListener("htmx:load", function (e) { setup(e.target); });
})();
