// The province's progress table (/tien-do/), made sortable and filterable; without this script it is a plain
// table, the units that lag first. Column headers become buttons (aria-sort says the order); on a phone, where
// each row is a block without the headers, a list chooses the order instead. A text box filters by unit name
// (typed with or without diacritics), a box keeps only the units that lag.
(function () {
  "use strict";
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }
  function value(row, column) {
    var cell = row.cells[column];
    var found = cell.getAttribute("data-value");
    return found !== null ? (isNaN(Number(found)) || found === "" ? found : Number(found)) : fold(cell.textContent.trim());
  }
  function enhance(box) {
    var table = box.querySelector("table");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var heads = table.tHead.rows[0].cells;
    var tools = document.createElement("div");
    tools.className = "cchc-overview__tools";
    tools.innerHTML = '<label>Lọc theo tên đơn vị <input type="search" autocomplete="off"></label> ' +
      '<label><input type="checkbox"> Chỉ đơn vị chậm</label> ' +
      '<label class="cchc-overview__order">Sắp xếp <select><option value="">Đơn vị chậm trước</option></select></label> ' +
      '<span role="status" aria-live="polite"></span>';
    box.parentNode.insertBefore(tools, box);
    var original = rows.slice();
    var order = tools.querySelector("select");
    var input = tools.querySelector("input[type=search]");
    var lagging = tools.querySelector("input[type=checkbox]");
    var status = tools.querySelector("[role=status]");
    function filter() {
      var wanted = fold(input.value.trim());
      var shown = 0;
      rows.forEach(function (row) {
        var show = (!wanted || fold(row.cells[0].textContent).indexOf(wanted) >= 0) &&
          (!lagging.checked || row.getAttribute("data-lagging") !== "0");
        row.hidden = !show;
        if (show) shown += 1;
      });
      status.textContent = "Đang hiện " + shown + "/" + rows.length + " đơn vị";
    }
    input.addEventListener("input", filter);
    lagging.addEventListener("change", filter);
    function sortBy(column, up) {  // column -1: the table's own order (lagging first)
      Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
      if (column < 0) {
        rows = original.slice();
      } else {
        heads[column].setAttribute("aria-sort", up ? "ascending" : "descending");
        rows.sort(function (a, b) {
          var x = value(a, column), y = value(b, column);
          var by = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y), "vi");
          return up ? by : -by;
        });
      }
      order.value = column < 0 ? "" : column + (up ? "+" : "-");
      rows.forEach(function (row) { body.appendChild(row); });
    }
    Array.prototype.forEach.call(heads, function (head, column) {
      var name = head.textContent.trim();
      [["+", "tăng dần"], ["-", "giảm dần"]].forEach(function (way) {
        var option = document.createElement("option");
        option.value = column + way[0];
        option.textContent = name + ": " + (column === 0 ? (way[0] === "+" ? "A → Z" : "Z → A") : way[1]);
        order.appendChild(option);
      });
      var button = document.createElement("button");
      button.type = "button";
      button.className = "cchc-overview__sort";
      button.textContent = name;
      head.textContent = "";
      head.appendChild(button);
      button.addEventListener("click", function () { sortBy(column, head.getAttribute("aria-sort") !== "ascending"); });
    });
    order.addEventListener("change", function () {
      sortBy(order.value ? parseInt(order.value, 10) : -1, order.value.slice(-1) !== "-");
    });
  }
  document.querySelectorAll("[data-cchc-bang]").forEach(enhance);
})();
