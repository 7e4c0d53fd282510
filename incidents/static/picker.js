// The contract picker (templates/incidents/_contract_picker.html). Searching asks the server (GET /contracts/search)
// and never ships every contract; the selection is what the form submits: one hidden input per chip. Every button of
// the picker is a submit button that works without JavaScript; here each click is handled in place instead, so no
// button of the picker, and no Enter in any field, submits the form. Only "Check the selection" does.
(function () {
  "use strict";

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : all;
    });
  }

  function counted(words, key, n, values) {
    var form = n === 0 && words[key + "0"] ? key + "0" : (n === 1 ? key + "1" : key + "N");
    return fill(words[form], Object.assign({ n: n }, values || {}));
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function setup(box) {
    var form = box.closest("form");
    var words = JSON.parse(box.getAttribute("data-words"));
    var url = box.getAttribute("data-search-url");
    var q = box.querySelector("[data-picker-q]");
    var profile = box.querySelector("[data-picker-profile]");
    var status = box.querySelector("[data-picker-status]");
    var results = box.querySelector("[data-picker-results]");
    var pager = box.querySelector("[data-picker-pager]");
    var addMatching = box.querySelector("[data-picker-add-matching]");
    var chosen = box.querySelector("[data-picker-chosen]");
    var count = box.querySelector("[data-picker-count]");
    var controllerRow = box.querySelector("[data-picker-controller]");
    var references = form.querySelector("textarea[name=references]");
    var fallback = box.querySelector("[data-picker-fallback]");
    var state = { page: 1, controllerId: "", controllerName: "", last: null, timer: null, serial: 0 };

    // The profile list of the page without JavaScript adds every contract of a profile unseen: here the profile
    // filter and "add all matching" do that visibly, so the list is switched off and not submitted.
    if (fallback) {
      fallback.hidden = true;
      Array.prototype.forEach.call(fallback.querySelectorAll("select"), function (s) {
        Array.prototype.forEach.call(s.options, function (o) { o.selected = false; });
        s.disabled = true;
      });
    }

    function chosenIds() {
      var ids = {};
      Array.prototype.forEach.call(chosen.querySelectorAll("input[name=contract_ids]"), function (i) { ids[i.value] = true; });
      return ids;
    }

    function updateCount() {
      var n = chosen.querySelectorAll("input[name=contract_ids]").length;
      var inMatches = 0, matches = chosen.querySelectorAll("[data-match-chip]");
      Array.prototype.forEach.call(matches, function (m) { inMatches += parseInt(m.getAttribute("data-count"), 10) || 0; });
      var text = counted(words, "chosen", n);
      if (matches.length) { text += " " + counted(words, "matches", inMatches); }
      if (references && references.value.trim()) { text += " " + words.pasted; }
      count.textContent = text;
    }

    function describe(query) {
      var parts = [];
      if (query.q) { parts.push("“" + query.q + "”"); }
      if (query.profile) { parts.push(fill(words.profile, { key: query.profile })); }
      if (query.controller_id) { parts.push(fill(words.of, { name: state.controllerName || query.controller_id })); }
      return parts.join(", ");
    }

    function chip(attrs, label, input) {
      var li = el("li", attrs);
      li.appendChild(input);
      li.appendChild(el("span", {}, label));
      var button = el("button", { type: "submit", name: "step", value: "remove", "class": "chip-remove",
        title: fill(words.remove, { ref: label }), "aria-label": fill(words.remove, { ref: label }) }, "×");
      li.appendChild(button);
      return li;
    }

    function addContract(id, label) {
      if (chosenIds()[id]) { return; }
      var input = el("input", { type: "hidden", name: "contract_ids", value: id });
      var first = chosen.querySelector("[data-match-chip]");
      chosen.insertBefore(chip({ "class": "chip", "data-chip": id }, label, input), first);
      markChosen();
      updateCount();
    }

    function addMatch() {
      var data = state.last;
      if (!data || !data.total || !data.match) { return; }
      var exists = Array.prototype.some.call(chosen.querySelectorAll("input[name=match]"), function (i) {
        return i.value === data.match;
      });
      if (exists) { return; }
      var label = counted(words, "match", data.total, { what: describe(data.query) });
      var input = el("input", { type: "hidden", name: "match", value: data.match });
      chosen.appendChild(chip({ "class": "chip chip-match", "data-match-chip": "", "data-count": data.total }, label, input));
      updateCount();
    }

    function markChosen() {
      var ids = chosenIds();
      Array.prototype.forEach.call(results.querySelectorAll("[data-result]"), function (li) {
        var button = li.querySelector("button[data-add]");
        var mark = li.querySelector("[data-chosen-mark]");
        var isChosen = !!ids[li.getAttribute("data-result")];
        if (button) { button.hidden = isChosen; }
        if (mark) { mark.hidden = !isChosen; }
      });
    }

    function pagerButton(page, text) {
      return el("button", { type: "submit", name: "step", value: "page-" + page, "class": "small" }, text);
    }

    function render(data) {
      state.last = data;
      status.textContent = counted(words, "found", data.total);
      results.textContent = "";
      data.contracts.forEach(function (c) {
        var label = c.controller.name + " · " + c.reference;
        var li = el("li", { "data-result": c.id, "data-label": label });
        var hit = el("span", { "class": "hit" });
        var name = el("button", { type: "button", "class": "link", "data-only": c.controller.id,
          title: words.only }, c.controller.name);
        name.setAttribute("data-name", c.controller.name);
        hit.appendChild(name);
        hit.appendChild(document.createTextNode(" · " + c.reference + " "));
        hit.appendChild(el("span", { "class": "muted" }, c.profile + (c.controller.kvk ? " · KvK " + c.controller.kvk : "")));
        li.appendChild(hit);
        li.appendChild(el("button", { type: "submit", name: "step", value: "add-" + c.id, "class": "small", "data-add": "" }, words.add));
        li.appendChild(el("span", { "class": "muted", "data-chosen-mark": "", hidden: "" }, words.chosen));
        results.appendChild(li);
      });
      markChosen();
      pager.textContent = "";
      if (data.page > 1) { pager.appendChild(pagerButton(data.page - 1, words.previous)); }
      if (data.pages > 1) { pager.appendChild(el("span", {}, fill(words.page, { page: data.page, pages: data.pages }))); }
      if (data.page < data.pages) { pager.appendChild(pagerButton(data.page + 1, words.next)); }
      var filtered = data.query.q || data.query.profile || data.query.controller_id;
      addMatching.hidden = !(filtered && data.total > 0);
      addMatching.textContent = counted(words, "addAll", data.total);
    }

    function showController() {
      controllerRow.textContent = "";
      controllerRow.hidden = !state.controllerId;
      if (!state.controllerId) { return; }
      controllerRow.appendChild(el("span", {}, fill(words.onlyOf, { name: state.controllerName }) + " "));
      controllerRow.appendChild(el("button", { type: "button", "class": "link", "data-every": "" }, words.every));
    }

    function search(page) {
      state.page = page || 1;
      var params = new URLSearchParams();
      if (q.value.trim()) { params.set("q", q.value.trim()); }
      if (profile.value) { params.set("profile", profile.value); }
      if (state.controllerId) { params.set("controller_id", state.controllerId); }
      params.set("page", String(state.page));
      var serial = ++state.serial;
      status.textContent = words.searching;
      box.setAttribute("aria-busy", "true");
      fetch(url + "?" + params.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          var type = response.headers.get("Content-Type") || "";
          if (type.indexOf("application/json") === -1) { throw new Error("offline"); }
          return response.json().then(function (body) { return { ok: response.ok, body: body }; });
        })
        .then(function (answer) {
          if (serial !== state.serial) { return; }  // a later search is under way: its answer counts
          box.removeAttribute("aria-busy");
          if (!answer.ok) {
            status.textContent = fill(words.failed, { text: (answer.body.error && answer.body.error.text) || "" });
            return;
          }
          render(answer.body);
        })
        .catch(function () {
          if (serial !== state.serial) { return; }
          box.removeAttribute("aria-busy");
          status.textContent = words.offline;
        });
    }

    function soon() {
      window.clearTimeout(state.timer);
      state.timer = window.setTimeout(function () { search(1); }, 250);
    }

    q.addEventListener("input", soon);
    q.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); window.clearTimeout(state.timer); search(1); }
    });
    profile.addEventListener("change", function () { search(1); });
    if (references) { references.addEventListener("input", updateCount); }

    box.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button || !box.contains(button)) { return; }
      if (button.hasAttribute("data-only")) {
        event.preventDefault();
        state.controllerId = button.getAttribute("data-only");
        state.controllerName = button.getAttribute("data-name");
        showController();
        search(1);
        return;
      }
      if (button.hasAttribute("data-every")) {
        event.preventDefault();
        state.controllerId = "";
        state.controllerName = "";
        showController();
        search(1);
        return;
      }
      if (button.getAttribute("name") !== "step") { return; }
      event.preventDefault();  // a picker button never submits the form here
      var step = button.value;
      if (step === "search") { window.clearTimeout(state.timer); search(1); }
      else if (step.indexOf("page-") === 0) { search(parseInt(step.slice(5), 10)); }
      else if (step === "add-matching") { addMatch(); }
      else if (step.indexOf("add-") === 0) {
        var row = button.closest("[data-result]");
        addContract(row.getAttribute("data-result"), row.getAttribute("data-label"));
      } else if (step === "remove" || step.indexOf("remove-") === 0 || step.indexOf("unmatch-") === 0) {
        var li = button.closest("li");
        var next = li.nextElementSibling || li.previousElementSibling;
        li.parentNode.removeChild(li);
        markChosen();
        updateCount();
        (next && next.querySelector("button") || q).focus();
      }
    });

    // Enter in any other field of the form presses its first button, the search: handled above, never a submit.
    updateCount();
    if (q.value.trim() || profile.value) { search(1); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-contract-picker]"), setup);
  });
})();
