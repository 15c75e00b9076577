(function () {
  "use strict";
  var doc = document;
  var controls = doc.getElementById("controls");
  var cards = doc.getElementById("cards");
  var table = doc.getElementById("glance");
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(doc.querySelectorAll("details"), function (d) { d.open = true; });
  });
  if (!controls || !cards) { return; }
  controls.hidden = false;
  var only = doc.getElementById("only-drifted");
  var find = doc.getElementById("find");
  var order = doc.getElementById("order");
  var shown = doc.getElementById("shown");
  function each(list, fn) { Array.prototype.forEach.call(list, fn); }
  function visible(el, query) {
    var name = (el.getAttribute("data-name") || "").toLowerCase();
    return (!only.checked || el.classList.contains("drifted")) && name.indexOf(query) !== -1;
  }
  function filter() {
    var query = find.value.trim().toLowerCase();
    var count = 0;
    each(cards.querySelectorAll(".feature"), function (card) {
      card.hidden = !visible(card, query);
      if (!card.hidden) { count += 1; }
    });
    if (table) {
      each(table.querySelectorAll("tbody tr"), function (row) { row.hidden = !visible(row, query); });
    }
    shown.textContent = count + " shown";
  }
  function key(el, field) {
    var raw = el.getAttribute("data-" + field) || "";
    var number = parseFloat(raw);
    return isNaN(number) ? raw.toLowerCase() : number;
  }
  function sortChildren(parent, selector, field, descending) {
    var items = Array.prototype.slice.call(parent.querySelectorAll(selector));
    items.sort(function (a, b) {
      var x = key(a, field), y = key(b, field);
      var result = x < y ? -1 : x > y ? 1 : 0;
      return descending ? -result : result;
    });
    each(items, function (item) { parent.appendChild(item); });
  }
  only.addEventListener("change", filter);
  find.addEventListener("input", filter);
  order.addEventListener("change", function () {
    var byName = order.value === "name";
    sortChildren(cards, ".feature", byName ? "name" : "rank", false);
  });
  if (table) {
    each(table.querySelectorAll("th button"), function (button) {
      button.addEventListener("click", function () {
        var field = button.getAttribute("data-key");
        var header = button.parentNode;
        var descending = header.getAttribute("aria-sort") === "ascending";
        each(table.querySelectorAll("th"), function (th) { th.removeAttribute("aria-sort"); });
        header.setAttribute("aria-sort", descending ? "descending" : "ascending");
        sortChildren(table.querySelector("tbody"), "tr", field, descending);
      });
    });
  }
  filter();
})();
