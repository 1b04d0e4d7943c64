// The alert composer's live help: choosing the issuing unit chooses its whole subtree, and
// the number of channels that will receive the alert follows the chosen units. The form
// works without it.
(function () {
  "use strict";

  function unitBoxes(form) {
    return Array.prototype.slice.call(form.querySelectorAll('input[name="units"]'));
  }

  function updateTotal(form) {
    var total = 0;
    unitBoxes(form).forEach(function (box) {
      if (box.checked) {
        total += parseInt(box.dataset.channels || "0", 10);
      }
    });
    var line = document.getElementById("channel-total");
    if (!line) {
      return;
    }
    var words = total === 0 ? line.dataset.none : total === 1 ? line.dataset.one : line.dataset.many;
    var strong = line.querySelector("strong") || line;
    strong.textContent = words.replace("{count}", String(total));
  }

  function chooseSubtree(form, unitId) {
    var issuing = form.querySelector('input[name="units"][value="' + unitId + '"]');
    if (!issuing) {
      return;
    }
    var path = issuing.dataset.path;
    unitBoxes(form).forEach(function (box) {
      box.checked = box.dataset.path.indexOf(path) === 0;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form.alert-composer");
    if (!form) {
      return;
    }
    form.addEventListener("change", function (event) {
      if (event.target.name === "unit") {
        chooseSubtree(form, event.target.value);
      }
      if (event.target.name === "unit" || event.target.name === "units") {
        updateTotal(form);
      }
    });
  });
})();
