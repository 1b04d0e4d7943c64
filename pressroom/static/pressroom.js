// The composer's live help: character counts the way each platform counts (a caption's
// limit once an image is attached), only the chosen platforms' versions shown, and versions
// that follow the main text until they are edited. The form works without it.
(function () {
  "use strict";

  var URL_RE = /https?:\/\/[^\s<>"]+/gi;

  function countFor(text, counting) {
    var normalised = text.normalize("NFC");
    if (counting === "utf16") {
      return normalised.length; // JavaScript strings are UTF-16, as Telegram counts.
    }
    if (counting === "mastodon") {
      normalised = normalised.replace(URL_RE, "x".repeat(23));
    }
    return Array.from(normalised).length;
  }

  function hasImages() {
    var kept = Array.prototype.some.call(
      document.querySelectorAll(".image-row input[type=checkbox]"),
      function (box) { return !box.checked; }
    );
    var added = Array.prototype.some.call(
      document.querySelectorAll(".new-image input[type=file]"),
      function (input) { return input.files && input.files.length > 0; }
    );
    var picked = document.querySelector('.library-picks input[name="library"]:checked');
    var stored = Array.prototype.some.call(
      document.querySelectorAll(".new-image input[data-stored]"),
      function (input) { return input.value !== ""; }
    );
    return kept || added || stored || Boolean(picked);
  }

  // Images go into the media library as soon as they are chosen (with progress), then are
  // chosen from it; without this script the form sends them and the server does the same.
  function csrfToken(form) {
    var field = form.querySelector('input[name="csrfmiddlewaretoken"]');
    return field ? field.value : "";
  }

  function send(url, data, bar, done) {
    var request = new XMLHttpRequest();
    request.open("POST", url);
    request.setRequestHeader("Accept", "application/json");
    request.upload.addEventListener("progress", function (event) {
      if (bar && event.lengthComputable) {
        bar.hidden = false;
        bar.max = event.total;
        bar.value = event.loaded;
      }
    });
    request.addEventListener("load", function () {
      var answer = null;
      try {
        answer = JSON.parse(request.responseText);
      } catch (error) {
        answer = null;
      }
      done(answer);
    });
    request.addEventListener("error", function () { done(null); });
    request.send(data);
  }

  function uploadSlot(input) {
    var row = input.closest(".new-image");
    var unit = document.getElementById("id_unit");
    var status = row.querySelector(".upload-status");
    var bar = row.querySelector("progress");
    var description = row.querySelector("textarea");
    var stored = row.querySelector("input[data-stored]");
    if (!input.files || !input.files.length || !stored) {
      return;
    }
    if (!unit || !unit.value) {
      status.textContent = row.dataset.needUnit;
      return;
    }
    var data = new FormData();
    data.append("csrfmiddlewaretoken", csrfToken(input.form));
    data.append("unit", unit.value);
    data.append("file", input.files[0]);
    data.append("description", description ? description.value : "");
    send(row.dataset.uploadUrl, data, bar, function (answer) {
      if (bar) {
        bar.hidden = true;
      }
      if (!answer) {
        status.textContent = row.dataset.failed;
        return;
      }
      if (answer.items && answer.items.length) {
        // The slot now holds the library item; its description stays beside it.
        stored.value = String(answer.items[0].id);
        // What a platform will refuse of it (Zalo takes no GIF) is said at once.
        status.textContent = [row.dataset.done, answer.items[0].name]
          .concat(answer.items[0].notes || []).join(" ");
        input.value = "";
        updateAllCounters();
      } else {
        status.textContent = (answer.errors || []).join(" ");
      }
    });
  }

  // The media library's own upload form: the same, then the page shows the new files.
  function uploadToLibrary(event) {
    var form = event.target;
    var bar = form.querySelector("[data-upload-progress]");
    var status = form.querySelector("[data-upload-status]");
    event.preventDefault();
    send(form.action, new FormData(form), bar, function (answer) {
      if (bar) {
        bar.hidden = true;
      }
      if (!answer) {
        form.submit();
        return;
      }
      if (answer.items && answer.items.length && !(answer.errors || []).length) {
        window.location.reload();
        return;
      }
      status.textContent = (answer.errors || []).join(" ");
    });
  }

  function updateCounter(counter) {
    var own = document.getElementById(counter.dataset.text);
    var main = counter.dataset.main ? document.getElementById(counter.dataset.main) : null;
    var text = own && own.value.trim() ? own.value : main ? main.value : "";
    var count = countFor(text.trim(), counter.dataset.counting);
    var caption = counter.dataset.maxCaption && hasImages();
    var max = parseInt(caption ? counter.dataset.maxCaption : counter.dataset.max, 10);
    var words = count + " / " + max + " " + counter.dataset.unit;
    if (caption) {
      words += " (" + counter.dataset.caption + ")";
    }
    if (count > max) {
      words += " (" + counter.dataset.over + ")";
    }
    counter.textContent = words;
    counter.classList.toggle("over", count > max);
  }

  function updateAllCounters() {
    document.querySelectorAll(".counter[data-text]").forEach(updateCounter);
  }

  function showChosenPlatforms() {
    var chosen = new Set();
    document.querySelectorAll('input[name="channels"]:checked').forEach(function (box) {
      chosen.add(box.dataset.platform);
    });
    var sections = document.querySelectorAll(".variant[data-platform]");
    sections.forEach(function (section) {
      // A version with errors stays visible so that the message can be read.
      var shown = chosen.has(section.dataset.platform) || !!section.querySelector(".errorlist");
      section.hidden = !shown;
      if (shown && !section.dataset.seen) {
        section.open = true;
        section.dataset.seen = "1";
      }
    });
    var hint = document.querySelector(".no-platform");
    if (hint) {
      hint.hidden = chosen.size > 0;
    }
  }

  function isEdited(platform) {
    var flag = document.querySelector('[data-edited="' + platform + '"]');
    return flag && flag.value === "1";
  }

  function markEdited(platform, edited) {
    var flag = document.querySelector('[data-edited="' + platform + '"]');
    if (flag) {
      flag.value = edited ? "1" : "0";
    }
    document.querySelectorAll(
      '[data-edited-mark="' + platform + '"], [data-reset-label="' + platform + '"]'
    ).forEach(function (element) {
      element.hidden = !edited;
    });
  }

  function platformOf(field) {
    var section = field.closest(".variant[data-platform]");
    return section ? section.dataset.platform : null;
  }

  function follow(mainId) {
    var main = document.getElementById(mainId);
    document.querySelectorAll('[data-follows="' + mainId + '"]').forEach(function (field) {
      if (main && !isEdited(platformOf(field))) {
        field.value = main.value;
      }
    });
  }

  function followAll() {
    follow("id_title");
    follow("id_body");
  }

  function onInput(event) {
    var target = event.target;
    if (target.dataset && target.dataset.follows) {
      markEdited(platformOf(target), true);
    } else if (target.id === "id_title" || target.id === "id_body") {
      follow(target.id);
    }
    updateAllCounters();
  }

  function onReset(box) {
    var platform = box.dataset.reset;
    markEdited(platform, false);
    box.checked = false;
    followAll();
    updateAllCounters();
  }

  function channelPicks() {
    var data = document.getElementById("channel-picks");
    return data ? JSON.parse(data.textContent) : null;
  }

  function updateSummary() {
    var summary = document.getElementById("channel-summary");
    var picks = channelPicks();
    if (!summary || !picks) {
      return;
    }
    var perPlatform = {};
    var units = new Set();
    var total = 0;
    document.querySelectorAll('input[name="channels"]:checked').forEach(function (box) {
      var label = picks.labels[box.dataset.platform] || box.dataset.platform;
      perPlatform[label] = (perPlatform[label] || 0) + 1;
      units.add(box.dataset.unit);
      total += 1;
    });
    if (!total) {
      summary.textContent = summary.dataset.none;
      return;
    }
    var parts = Object.keys(perPlatform).sort().map(function (label) {
      return perPlatform[label] + " " + label;
    });
    summary.textContent = summary.dataset.chosen + " " + total + " (" + parts.join(", ") +
      ") · " + units.size + " " + summary.dataset.units;
  }

  function quickChoice(select) {
    var picks = channelPicks();
    var kind = select.name.replace("add_", "");
    var ids = picks && picks[kind] ? picks[kind][select.value] || [] : [];
    ids.forEach(function (id) {
      var box = document.querySelector('input[name="channels"][value="' + id + '"]');
      if (box) {
        box.checked = true;
        var group = box.closest("details");
        if (group) {
          group.open = true;
        }
      }
    });
    select.value = "";
    showChosenPlatforms();
    updateSummary();
    followAll();
    updateAllCounters();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-library-upload]").forEach(function (form) {
      form.addEventListener("submit", uploadToLibrary);
    });
  });

  document.addEventListener("DOMContentLoaded", function () {
    var composer = document.querySelector("form.composer");
    if (!composer) {
      return;
    }
    composer.addEventListener("input", onInput);
    composer.addEventListener("change", function (event) {
      if (event.target.name === "channels") {
        showChosenPlatforms();
        updateSummary();
      } else if (/^add_(unit|platform|set)$/.test(event.target.name)) {
        quickChoice(event.target);
      } else if (event.target.dataset && event.target.dataset.reset) {
        onReset(event.target);
      } else if (event.target.type === "file" && event.target.closest(".new-image")) {
        uploadSlot(event.target);
      } else {
        updateAllCounters();
      }
    });
    followAll();
    showChosenPlatforms();
    updateAllCounters();
  });

  // On a phone, filters not in use fold away so that the calendar starts on the first screen.
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.matchMedia("(max-width: 48rem)").matches) {
      return;
    }
    document.querySelectorAll('details[data-fold-on-phone="yes"]').forEach(function (box) {
      box.open = false;
    });
  });
})();
