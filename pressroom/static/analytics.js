// Draws the analytics charts: each .vega-chart names, in data-spec, the JSON script that
// holds its Vega-Lite spec (the spec the PDF prints). Vega's expressions are interpreted,
// never compiled with eval or new Function, so the page keeps its Content Security Policy;
// vega-embed's and the tooltip's own style elements are left out for the same reason
// (analytics.css styles them). The numbers are in a table under each chart anyway.
import { expressionInterpreter } from "./vendor/vega/vega-interpreter.js";

const OPTIONS = {
  actions: false,
  ast: true,
  expr: expressionInterpreter,
  renderer: "svg",
  defaultStyle: false,
  tooltip: { disableDefaultStyle: true },
};

function draw(root) {
  root.querySelectorAll(".vega-chart[data-spec]").forEach(function (element) {
    if (element.dataset.drawn) {
      return;
    }
    const source = document.getElementById(element.dataset.spec);
    if (!source || typeof window.vegaEmbed !== "function") {
      return;
    }
    element.dataset.drawn = "1";
    window.vegaEmbed(element, JSON.parse(source.textContent), OPTIONS).catch(function (error) {
      element.dataset.drawn = "";
      element.classList.add("chart-failed");
      console.error(error);
    });
  });
}

draw(document);
// A period chosen with htmx brings a new board: draw its charts too.
document.addEventListener("htmx:load", function (event) {
  draw(event.detail.elt);
});
