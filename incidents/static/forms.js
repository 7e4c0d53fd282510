// Pages with several forms side by side (the incident page, a controller's page): typed input is never lost
// without a word. Saving one form while another holds unsaved input asks first; leaving the page with unsaved
// input asks the browser's own question. After a save, the confirmation is moved to the section the page jumped
// to, where the user is looking. No inline scripts (CSP).
(function () {
  "use strict";
  var WORDS = {
    nl: "Een ander formulier op deze pagina heeft wijzigingen die nog niet zijn opgeslagen; die gaan verloren. Toch doorgaan?",
    en: "Another form on this page has changes that are not saved yet; they will be lost. Continue anyway?"
  };

  function writable(form) {
    return (form.getAttribute("method") || "").toLowerCase() === "post" && !form.hasAttribute("data-no-dirty");
  }

  function guardForms() {
    var forms = Array.prototype.filter.call(document.querySelectorAll("form"), writable);
    if (forms.length < 2) { return; }
    var dirty = new Set();
    var leaving = false;
    forms.forEach(function (form) {
      var mark = function (event) {
        if (event.target && event.target.type !== "hidden") { dirty.add(form); }
      };
      form.addEventListener("input", mark);
      form.addEventListener("change", mark);
      form.addEventListener("submit", function (event) {
        var others = Array.from(dirty).filter(function (f) { return f !== form; });
        if (others.length && !event.defaultPrevented) {
          var lang = document.body.getAttribute("data-lang") || "nl";
          if (!window.confirm(WORDS[lang] || WORDS.nl)) { event.preventDefault(); return; }
        }
        if (!event.defaultPrevented) { leaving = true; }
      });
    });
    window.addEventListener("beforeunload", function (event) {
      if (!leaving && dirty.size) { event.preventDefault(); event.returnValue = ""; }
    });
  }

  function flashWhereTheUserIs() {
    var target = window.location.hash && document.getElementById(window.location.hash.slice(1));
    var flashes = document.querySelectorAll(".flashes .flash, main > .flash");
    if (!target || !flashes.length) { return; }
    var section = target.closest("section") || target;
    var heading = section.querySelector("h2, h3");
    for (var i = flashes.length - 1; i >= 0; i--) {
      var copy = flashes[i];
      if (heading && heading.parentNode === section) { heading.insertAdjacentElement("afterend", copy); }
      else { section.insertAdjacentElement("afterbegin", copy); }
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    flashWhereTheUserIs();
    guardForms();
  });
})();
