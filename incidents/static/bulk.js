// The incident page's controller list (tick a whole page, confirm before queueing) and a batch's progress page
// (follow the counts until nothing is waiting). No inline scripts (CSP).
(function () {
  "use strict";

  function controllerList() {
    var form = document.getElementById("bulk-form");
    if (!form) { return; }
    var all = form.querySelector("[data-select-page]");
    var boxes = form.querySelectorAll("input[name='controller_ids']");
    if (all) {
      all.addEventListener("change", function () {
        for (var i = 0; i < boxes.length; i++) { boxes[i].checked = all.checked; }
      });
    }
    var pressed = null;
    var buttons = form.querySelectorAll("button[data-bulk]");
    for (var b = 0; b < buttons.length; b++) {
      buttons[b].addEventListener("click", function (event) { pressed = event.currentTarget; });
    }
    form.addEventListener("submit", function (event) {
      var which = pressed ? pressed.getAttribute("data-bulk") : "selected";
      var question = (pressed && pressed.getAttribute("data-confirm")) ||
        form.getAttribute(which === "matching" ? "data-confirm-matching" : "data-confirm-selected");
      if (question && !window.confirm(question)) { event.preventDefault(); return; }
      // One click is enough: the server would find the same batch, but say so by disabling the buttons.
      window.setTimeout(function () {
        for (var i = 0; i < buttons.length; i++) { buttons[i].disabled = true; }
      }, 0);
    });
  }

  function batchProgress() {
    var card = document.querySelector("[data-batch-url]");
    if (!card || card.getAttribute("data-done") === "true") { return; }
    function poll() {
      fetch(card.getAttribute("data-batch-url"), { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          var sent = data.counts.sent || 0;
          card.querySelector("[data-batch-sent]").textContent = String(sent);
          card.querySelector("[data-batch-bar]").value = sent;
          var cells = card.querySelectorAll("[data-batch-status]");
          for (var i = 0; i < cells.length; i++) {
            cells[i].textContent = String(data.counts[cells[i].getAttribute("data-batch-status")] || 0);
          }
          if (data.done) {
            card.setAttribute("data-done", "true");
            if (data.counts.failed) { window.location.reload(); }
          } else {
            window.setTimeout(poll, 1500);
          }
        })
        .catch(function () { window.setTimeout(poll, 5000); });
    }
    poll();
  }

  document.addEventListener("DOMContentLoaded", function () {
    controllerList();
    batchProgress();
  });
})();
