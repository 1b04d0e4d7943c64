// The alert composer's live help: choosing the issuing unit chooses its whole subtree, the
// number of channels that will receive the alert follows the chosen units, the block for
// writing without a template hides once a template is chosen, and the preview follows what
// is typed. The form works without it: the server renders all of these after each step.
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

  function typed(form, name) {
    var field = form.elements.namedItem(name);
    return field && typeof field.value === "string" ? field.value.normalize("NFC").trim() : "";
  }

  // Fill an element with text and, for what is still empty, its name in brackets.
  function show(element, pieces) {
    element.textContent = "";
    pieces.forEach(function (piece) {
      if (piece.text) {
        element.appendChild(document.createTextNode(piece.text));
      } else if (piece.label !== undefined) {
        var mark = document.createElement("mark");
        mark.className = "preview-empty";
        mark.textContent = "[" + piece.label + "]";
        element.appendChild(mark);
      }
    });
  }

  function templateSource() {
    var data = document.getElementById("alert-template-source");
    return data ? JSON.parse(data.textContent) : null;
  }

  function filled(form, parts, labels) {
    var pieces = [];
    parts.forEach(function (part) {
      var literal = part[0];
      var name = part[1];
      if (literal) {
        pieces.push({ text: literal });
      }
      if (name) {
        pieces.push({ text: typed(form, "field_" + name), label: labels[name] || name });
      }
    });
    return pieces;
  }

  function updatePreview(form) {
    var title = document.getElementById("alert-preview-title");
    var text = document.getElementById("alert-preview-text");
    if (!title || !text) {
      return;
    }
    var source = templateSource();
    if (source) {
      show(title, filled(form, source.title, source.labels));
      show(text, filled(form, source.text, source.labels));
    } else {
      show(title, [{ text: typed(form, "title"), label: title.dataset.label }]);
      show(text, [{ text: typed(form, "text"), label: text.dataset.label }]);
    }
  }

  function showTemplateChoice(form) {
    var block = document.getElementById("no-template");
    var choice = form.elements.namedItem("template");
    if (block && choice) {
      block.hidden = Boolean(choice.value);
    }
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
      if (event.target.name === "template") {
        showTemplateChoice(form);
      }
    });
    form.addEventListener("input", function () {
      updatePreview(form);
    });
    // The chosen template's fields arrive by htmx: preview the new template at once.
    document.body.addEventListener("htmx:afterSwap", function () {
      showTemplateChoice(form);
      updatePreview(form);
    });
  });
})();
