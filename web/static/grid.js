// The lesson-entry grid's keyboard, as in a spreadsheet: arrows move between cells (left and
// right only at the edge of the text typed), Enter moves down, Tab goes on as usual,
// Ctrl+Enter saves the lesson. In a list cell (the kind of work) up and down change the value,
// as a drop-down cell does, and letters pick by name. Without this script the form works as a
// plain form.
(function () {
  "use strict";

  function cells(table) {
    return Array.from(table.tBodies[0].rows).map(function (row) {
      return Array.from(row.querySelectorAll("input, select"));
    });
  }

  function position(grid, element) {
    for (var r = 0; r < grid.length; r++) {
      var c = grid[r].indexOf(element);
      if (c >= 0) return [r, c];
    }
    return null;
  }

  // The cell in the row above or below nearest to column c (rows may have fewer inputs:
  // attendance already recorded is text, not a cell).
  function vertical(grid, r, c, step, element) {
    var column = element.closest("td").cellIndex;
    for (var row = r + step; row >= 0 && row < grid.length; row += step) {
      var found = grid[row].find(function (cell) { return cell.closest("td").cellIndex === column; });
      if (found) return found;
    }
    return null;
  }

  function atEdge(element, forward) {
    if (element.tagName !== "INPUT") return true;
    var start = element.selectionStart, end = element.selectionEnd, length = element.value.length;
    if (start === null) return true;
    if (start !== end) return false;
    return forward ? end === length : start === 0;
  }

  function move(target) {
    if (!target) return false;
    target.focus();
    if (target.select && target.tagName === "INPUT") target.select();
    return true;
  }

  document.querySelectorAll("table[data-grid]").forEach(function (table) {
    table.addEventListener("keydown", function (event) {
      var element = event.target;
      if (!(element instanceof HTMLInputElement || element instanceof HTMLSelectElement)) return;
      var grid = cells(table);
      var at = position(grid, element);
      if (!at) return;
      var r = at[0], c = at[1], target = null;
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        table.closest("form").requestSubmit();
        return;
      }
      var list = element instanceof HTMLSelectElement;
      if (list && (event.key === "ArrowUp" || event.key === "ArrowDown")) return;
      switch (event.key) {
        case "ArrowUp":
          target = vertical(grid, r, c, -1, element);
          break;
        case "ArrowDown":
        case "Enter":
          target = vertical(grid, r, c, 1, element);
          if (!target && event.key === "Enter") {
            target = table.closest("form").querySelector("button[type=submit]");
          }
          break;
        case "ArrowLeft":
          if (atEdge(element, false)) target = grid[r][c - 1] || (grid[r - 1] || []).slice(-1)[0];
          break;
        case "ArrowRight":
          if (atEdge(element, true)) target = grid[r][c + 1] || (grid[r + 1] || [])[0];
          break;
        default:
          return;
      }
      if (target || event.key === "Enter") {
        event.preventDefault();
        move(target);
      }
    });
  });
})();
