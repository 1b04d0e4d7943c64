// The composer's live help: character counts the way each platform counts, and only the
// chosen platforms' versions shown. The form works without it.
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

  function updateCounter(counter) {
    var own = document.getElementById(counter.dataset.text);
    var body = document.getElementById("id_body");
    var text = own && own.value.trim() ? own.value : body ? body.value : "";
    var count = countFor(text.trim(), counter.dataset.counting);
    var max = parseInt(counter.dataset.max, 10);
    var words = count + " / " + max + " " + counter.dataset.unit;
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

  document.addEventListener("DOMContentLoaded", function () {
    var composer = document.querySelector("form.composer");
    if (!composer) {
      return;
    }
    composer.addEventListener("input", updateAllCounters);
    composer.addEventListener("change", function (event) {
      if (event.target.name === "channels") {
        showChosenPlatforms();
      }
    });
    showChosenPlatforms();
    updateAllCounters();
  });
})();
