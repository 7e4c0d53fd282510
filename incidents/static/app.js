// Breach desk: live countdowns, confirmations, progress and copy buttons (the contract picker: picker.js). No inline
// scripts anywhere (CSP-ready).
(function () {
  "use strict";
  var WORDS = {
    nl: { left: "nog", late: "te laat", days: "d" },
    en: { left: "", late: "overdue", days: "d" }
  };
  var DUE_SOON_MS = 4 * 3600 * 1000;

  function pad(n) { return n < 10 ? "0" + n : String(n); }

  function formatSpan(ms, lang) {
    var w = WORDS[lang] || WORDS.nl;
    var late = ms < 0;
    var s = Math.floor(Math.abs(ms) / 1000);
    var d = Math.floor(s / 86400); s -= d * 86400;
    var h = Math.floor(s / 3600); s -= h * 3600;
    var m = Math.floor(s / 60); s -= m * 60;
    var text = (d > 0 ? d + " " + w.days + " " : "") + pad(h) + ":" + pad(m) + ":" + pad(s);
    if (late) { return text + " " + w.late; }
    return (w.left ? w.left + " " : "") + text;
  }

  function tick() {
    var lang = document.body.getAttribute("data-lang") || "nl";
    var now = Date.now();
    var nodes = document.querySelectorAll("time.countdown");
    for (var i = 0; i < nodes.length; i++) {
      var node = nodes[i];
      if (!node.hasAttribute("data-local")) {
        node.setAttribute("data-local", node.textContent);
        node.setAttribute("title", node.textContent);
      }
      var left = Date.parse(node.getAttribute("datetime")) - now;
      node.textContent = formatSpan(left, lang);
      var urgency = left < 0 ? "missed" : (left <= DUE_SOON_MS ? "due_soon" : "running");
      node.setAttribute("data-urgency", urgency);
      var row = node.closest("[data-urgency-row]");
      if (row) { row.setAttribute("data-urgency-row", urgency); }
    }
  }

  function confirmations() {
    var forms = document.querySelectorAll("form[data-confirm]");
    for (var i = 0; i < forms.length; i++) {
      forms[i].addEventListener("submit", function (event) {
        if (!window.confirm(event.currentTarget.getAttribute("data-confirm"))) { event.preventDefault(); }
      });
    }
  }

  function progress() {
    var table = document.querySelector("[data-progress-url]");
    if (!table) { return; }
    var labels = JSON.parse(table.getAttribute("data-labels") || "{}");
    function poll() {
      fetch(table.getAttribute("data-progress-url"), { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          var sent = 0, open = 0;
          data.outbox.forEach(function (m) {
            var row = table.querySelector("tr[data-outbox='" + m.id + "']");
            if (m.status === "sent") { sent++; }
            if (m.status === "queued" || m.status === "sending" || m.status === "retrying") { open++; }
            if (!row) { return; }
            var badge = row.querySelector(".status .badge");
            badge.className = "badge outbox-" + m.status;
            badge.textContent = labels[m.status] || m.status;
            row.querySelector(".reply").textContent = m.smtp_reply || m.last_error || "";
          });
          var counter = document.querySelector("[data-progress-count]");
          if (counter) { counter.textContent = String(sent); }
          if (open > 0) { window.setTimeout(poll, 1500); }
        })
        .catch(function () { window.setTimeout(poll, 5000); });
    }
    poll();
  }

  // Copy buttons of the AP draft: one answer, or every answer as "key question: answer" lines.
  function copyText(text, button) {
    var lang = document.body.getAttribute("data-lang") || "nl";
    var done = function () {
      var old = button.textContent;
      button.textContent = lang === "en" ? "Copied" : "Gekopieerd";
      button.setAttribute("data-copied", "true");
      window.setTimeout(function () { button.textContent = old; }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(text); done(); });
    } else {
      fallbackCopy(text);
      done();
    }
  }

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "offscreen";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } catch (e) { /* the text stays selectable on the page */ }
    document.body.removeChild(area);
  }

  function copyButtons() {
    var buttons = document.querySelectorAll("button[data-copy]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].addEventListener("click", function (event) {
        var target = document.getElementById(event.currentTarget.getAttribute("data-copy"));
        if (target) { copyText(target.textContent.trim(), event.currentTarget); }
      });
    }
    var all = document.querySelectorAll("button[data-copy-all]");
    for (var j = 0; j < all.length; j++) {
      all[j].addEventListener("click", function (event) {
        var root = document.getElementById(event.currentTarget.getAttribute("data-copy-all"));
        if (!root) { return; }
        var lines = [];
        var answers = root.querySelectorAll(".answer-text");
        for (var k = 0; k < answers.length; k++) {
          var number = answers[k].closest("[data-number]").getAttribute("data-number");
          lines.push(number + " " + answers[k].getAttribute("data-question") + ": " + answers[k].textContent.trim());
        }
        copyText(lines.join("\n"), event.currentTarget);
      });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    copyButtons();
    progress();
    tick();
    window.setInterval(tick, 1000);
    confirmations();
  });
})();
