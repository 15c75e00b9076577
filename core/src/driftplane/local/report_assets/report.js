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
  function parse(raw) {
    var number = parseFloat(raw.replace("\u2212", "-"));
    return isNaN(number) ? raw.trim().toLowerCase() : number;
  }
  function attribute(field) {
    return function (el) { return parse(el.getAttribute("data-" + field) || ""); };
  }
  function cell(column) {
    return function (row) { return parse(row.children[column].textContent); };
  }
  function sortChildren(parent, selector, key, descending) {
    var items = Array.prototype.slice.call(parent.querySelectorAll(selector));
    items.sort(function (a, b) {
      var x = key(a), y = key(b);
      if (typeof x !== typeof y) { x = String(x); y = String(y); }
      var result = x < y ? -1 : x > y ? 1 : 0;
      return descending ? -result : result;
    });
    each(items, function (item) { parent.appendChild(item); });
  }
  only.addEventListener("change", filter);
  find.addEventListener("input", filter);
  order.addEventListener("change", function () {
    var byName = order.value === "name";
    sortChildren(cards, ".feature", attribute(byName ? "name" : "rank"), false);
  });
  if (table) {
    each(table.querySelectorAll("th button"), function (button) {
      button.addEventListener("click", function () {
        var column = Array.prototype.indexOf.call(button.parentNode.parentNode.children, button.parentNode);
        var key = button.getAttribute("data-key") ? attribute(button.getAttribute("data-key")) : cell(column);
        var header = button.parentNode;
        var descending = header.getAttribute("aria-sort") === "ascending";
        each(table.querySelectorAll("th"), function (th) { th.removeAttribute("aria-sort"); });
        header.setAttribute("aria-sort", descending ? "descending" : "ascending");
        sortChildren(table.querySelector("tbody"), "tr", key, descending);
      });
    });
  }
  filter();
})();
