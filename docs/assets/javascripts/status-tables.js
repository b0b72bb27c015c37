/*
 * Filters for the generated status-mapping tables (cartnorm.docgen.render_status_table).
 *
 * Every table inside a <div class="status-table"> gets a filter bar: one drop-down per column
 * but the last (the vendor's axes and the Trackstar status), listing the values that column
 * holds, and a text box that keeps the rows containing every word typed (values and reasons).
 * Nothing here knows a vendor: the columns come from the table's own header, so a new adapter's
 * tables are filterable as soon as they are generated. Without JavaScript the table reads whole.
 */
(function () {
  "use strict";

  var counter = 0;

  function cellText(cell) {
    return cell.textContent.replace(/\s+/g, " ").trim();
  }

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      node.setAttribute(name, attributes[name]);
    });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // Long raw values (VENDOR_ORDER_STATUS_AWAITING_FULFILLMENT) may wrap after an underscore,
  // and nowhere else: the columns stay narrow and every value stays readable.
  function breakAfterUnderscores(code) {
    var parts = code.textContent.split("_");
    if (parts.length < 2) return;
    code.textContent = "";
    parts.forEach(function (part, index) {
      var last = index === parts.length - 1;
      code.appendChild(document.createTextNode(last ? part : part + "_"));
      if (!last) code.appendChild(document.createElement("wbr"));
    });
  }

  function enhance(container) {
    var table = container.querySelector("table");
    if (!table || container.dataset.filterReady) return;
    container.dataset.filterReady = "true";
    var id = "status-filter-" + ++counter;
    var headers = Array.prototype.map.call(table.querySelectorAll("thead th"), cellText);
    var rows = Array.prototype.map.call(table.querySelectorAll("tbody tr"), function (tr) {
      var cells = Array.prototype.map.call(tr.cells, cellText);
      return { tr: tr, cells: cells, text: cells.join(" ").toLowerCase() };
    });
    var filtered = headers.length - 1; // every column but the last ("why") gets a drop-down
    Array.prototype.forEach.call(table.querySelectorAll("code"), breakAfterUnderscores);

    var form = element("form", { class: "status-table__filters", role: "search" });
    form.setAttribute("aria-label", "Filter: " + (container.dataset.title || "status mapping"));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
    });

    var selects = [];
    for (var column = 0; column < filtered; column++) {
      var values = [];
      rows.forEach(function (row) {
        if (values.indexOf(row.cells[column]) < 0) values.push(row.cells[column]);
      });
      var label = element("label", { class: "status-table__field" });
      label.appendChild(element("span", {}, headers[column]));
      var select = element("select", { id: id + "-column-" + column, "data-column": String(column) });
      select.appendChild(element("option", { value: "" }, "any"));
      values.forEach(function (value) {
        select.appendChild(element("option", { value: value }, value));
      });
      label.appendChild(select);
      form.appendChild(label);
      selects.push(select);
    }

    var search = element("label", { class: "status-table__field status-table__field--text" });
    search.appendChild(element("span", {}, "rows containing"));
    var input = element("input", {
      type: "search",
      id: id + "-text",
      placeholder: rows.length ? "e.g. " + rows[0].cells[0] : "",
      autocomplete: "off",
      spellcheck: "false",
    });
    search.appendChild(input);
    form.appendChild(search);

    var reset = element("button", { type: "button", class: "md-button status-table__reset" }, "Show all");
    form.appendChild(reset);
    var count = element("output", { class: "status-table__count", "aria-live": "polite", for: id + "-text" });
    form.appendChild(count);

    function wanted() {
      return {
        values: selects.map(function (select) {
          return select.value;
        }),
        words: input.value.toLowerCase().split(/\s+/).filter(Boolean),
      };
    }

    function matches(row, filter, skipColumn) {
      for (var column = 0; column < filter.values.length; column++) {
        var value = filter.values[column];
        if (column !== skipColumn && value && row.cells[column] !== value) return false;
      }
      return filter.words.every(function (word) {
        return row.text.indexOf(word) >= 0;
      });
    }

    function apply() {
      var filter = wanted();
      var shown = 0;
      rows.forEach(function (row) {
        var keep = matches(row, filter, -1);
        row.tr.hidden = !keep;
        if (keep) shown++;
      });
      // Each drop-down counts, per value, the rows the other filters leave; values that would
      // leave nothing are disabled rather than removed, so the list keeps its order.
      selects.forEach(function (select, column) {
        var counts = {};
        rows.forEach(function (row) {
          if (matches(row, filter, column)) counts[row.cells[column]] = (counts[row.cells[column]] || 0) + 1;
        });
        Array.prototype.forEach.call(select.options, function (option) {
          if (!option.value) return;
          var n = counts[option.value] || 0;
          option.textContent = option.value + " (" + n + ")";
          option.disabled = n === 0 && option.value !== select.value;
        });
      });
      count.textContent =
        shown === rows.length ? "all " + rows.length + " rows" : shown + " of " + rows.length + " rows";
      container.classList.toggle("status-table--empty", shown === 0);
    }

    selects.forEach(function (select) {
      select.addEventListener("change", apply);
    });
    input.addEventListener("input", apply);
    reset.addEventListener("click", function () {
      selects.forEach(function (select) {
        select.value = "";
      });
      input.value = "";
      apply();
    });

    container.insertBefore(form, container.firstChild);
    container.appendChild(element("p", { class: "status-table__none" }, "No row matches these filters."));
    apply();
  }

  function enhanceAll() {
    Array.prototype.forEach.call(document.querySelectorAll("div.status-table"), enhance);
  }

  // Material's instant navigation swaps pages without a reload and announces each one on
  // document$; without it, the page is ready once the DOM is.
  if (typeof window.document$ !== "undefined") {
    window.document$.subscribe(enhanceAll);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhanceAll);
  } else {
    enhanceAll();
  }
})();
