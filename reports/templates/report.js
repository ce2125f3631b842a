// Sort by clicking a column heading; filter with the search box and the menus.
// Reads only the table's own text and data-* attributes: no network, no HTML parsing.
(function () {
  "use strict";
  var table = document.getElementById("findings");
  var shown = document.getElementById("shown");
  var controls = ["q", "f-verdict", "f-brand", "f-status"].map(function (id) {
    return document.getElementById(id);
  });
  if (!table) { shown.textContent = "0 rows"; return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);

  function cellKey(row, index) {
    var cell = row.cells[index];
    return cell.hasAttribute("data-key") ? cell.getAttribute("data-key") : cell.textContent.trim();
  }

  function sortBy(index, type, descending) {
    var sorted = rows.slice().sort(function (a, b) {
      var x = cellKey(a, index), y = cellKey(b, index);
      var order = type === "number" ? parseFloat(x) - parseFloat(y) : x.localeCompare(y);
      return descending ? -order : order;
    });
    sorted.forEach(function (row) { body.appendChild(row); });
  }

  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
    var type = th.getAttribute("data-type");
    if (!type) { return; }
    th.tabIndex = 0;
    th.classList.add("sortable");
    function activate() {
      var descending = th.getAttribute("aria-sort") !== "descending";
      Array.prototype.forEach.call(th.parentNode.cells, function (other) {
        other.removeAttribute("aria-sort");
      });
      th.setAttribute("aria-sort", descending ? "descending" : "ascending");
      sortBy(index, type, descending);
    }
    th.addEventListener("click", activate);
    th.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); activate(); }
    });
  });

  function filter() {
    var query = controls[0].value.trim().toLowerCase();
    var verdict = controls[1].value, brand = controls[2].value, status = controls[3].value;
    var count = 0;
    rows.forEach(function (row) {
      var visible = (!query || row.textContent.toLowerCase().indexOf(query) !== -1) &&
        (!verdict || row.getAttribute("data-verdict") === verdict) &&
        (!brand || row.getAttribute("data-brand") === brand) &&
        (!status || row.getAttribute("data-status") === status);
      row.hidden = !visible;
      if (visible) { count += 1; }
    });
    shown.textContent = count + " of " + rows.length + " rows shown";
  }

  controls.forEach(function (control) {
    control.addEventListener("input", filter);
    control.addEventListener("change", filter);
  });
  document.getElementById("filters").addEventListener("submit", function (event) {
    event.preventDefault();
  });
  filter();
})();
