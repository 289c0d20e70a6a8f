// The static site's ranking: search a unit by a name typed with or without diacritics, and sort by any column
// (click its header; again to reverse). A static site has no server to ask: all the rows are on the page.
(function () {
  "use strict";
  var table = document.getElementById("xep-hang");
  var box = document.getElementById("tim-kiem");
  if (!table || !box || !String.prototype.normalize) return;
  var input = box.querySelector("input"), count = document.getElementById("so-ket-qua");
  var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
  var heads = Array.prototype.slice.call(table.tHead.rows[table.tHead.rows.length - 1].cells);

  function fold(text) {
    return text.replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .toLowerCase().replace(/\s+/g, " ").trim();
  }
  function number(text) {  // 1.234,5 or 98,3% as people read them
    var clean = text.replace(/\./g, "").replace(",", ".").replace("%", "").trim();
    return clean === "" || isNaN(Number(clean)) ? null : Number(clean);
  }
  rows.forEach(function (row, i) {
    row.dataset.thuTu = String(i);
    row.dataset.tim = fold(row.cells[1].textContent + " " + row.cells[2].textContent);
  });

  box.hidden = false;
  input.addEventListener("input", function () {
    var needle = fold(input.value), shown = 0;
    rows.forEach(function (row) {
      row.hidden = needle !== "" && row.dataset.tim.indexOf(needle) < 0;
      if (!row.hidden) shown += 1;
    });
    count.textContent = needle ? "Tìm thấy " + shown + " trong " + rows.length + " đơn vị." : rows.length + " đơn vị.";
  });

  function sortBy(column, descending) {
    heads.forEach(function (other) { other.removeAttribute("aria-sort"); });
    heads[column].setAttribute("aria-sort", descending ? "descending" : "ascending");
    chooser.value = (descending ? "-" : "") + column;
    var keyed = rows.map(function (row) {
      var text = row.cells[column].textContent;
      return {row: row, n: number(text), t: fold(text), i: Number(row.dataset.thuTu)};
    });
    keyed.sort(function (a, b) {
      var order;
      if (a.n !== null && b.n !== null) order = a.n - b.n;
      else if (a.n !== null || b.n !== null) order = a.n === null ? 1 : -1;
      else order = a.t < b.t ? -1 : a.t > b.t ? 1 : 0;
      return (descending ? -order : order) || a.i - b.i;
    });
    keyed.forEach(function (k) { body.appendChild(k.row); });
  }

  // a list of the columns for a phone, where the table's header is hidden and each row is a card
  var chooser = document.createElement("select"), label = document.createElement("label");
  label.appendChild(document.createTextNode(" Sắp xếp "));
  heads.forEach(function (th, column) {
    var name = th.textContent.trim();
    [["", " (tăng dần)"], ["-", " (giảm dần)"]].forEach(function (way) {
      var option = document.createElement("option");
      option.value = way[0] + column;
      option.textContent = name + way[1];
      chooser.appendChild(option);
    });
  });
  chooser.value = "0";
  chooser.addEventListener("change", function () {
    sortBy(Math.abs(parseInt(chooser.value, 10)), chooser.value.charAt(0) === "-");
  });
  label.appendChild(chooser);
  box.insertBefore(label, count);

  heads.forEach(function (th, column) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "sap-xep";
    while (th.firstChild) button.appendChild(th.firstChild);
    th.appendChild(button);
    button.addEventListener("click", function () {
      sortBy(column, th.getAttribute("aria-sort") === "ascending");
    });
  });
})();
