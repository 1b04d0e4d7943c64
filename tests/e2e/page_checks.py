"""Checks of a page in the browser: axe-core (the copy bundled by axe-playwright-python) and
whether anything scrolls sideways."""

from __future__ import annotations

from typing import Any

from axe_playwright_python.sync_playwright import Axe

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
FAILING_IMPACTS = {"serious", "critical"}
_AXE = Axe()


def problems_on(page: Any) -> list[str]:
    """The WCAG 2.2 A/AA violations of serious or critical impact on the page, in words."""
    results = _AXE.run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
    return [
        f"{page.url}: {violation['id']} ({violation['impact']}) {violation['help']}: "
        + "; ".join(node["html"][:160] for node in violation["nodes"][:3])
        for violation in results.response["violations"]
        if violation["impact"] in FAILING_IMPACTS
    ]


def assert_accessible(page: Any) -> None:
    found = problems_on(page)
    assert not found, "\n".join(found)


SIDEWAYS = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  if (document.documentElement.scrollWidth > width + 1) wide.push("the page");
  document.querySelectorAll("main *").forEach((el) => {
    const style = getComputedStyle(el);
    if (["auto", "scroll"].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1) {
      wide.push(el.tagName.toLowerCase() + "." + el.className);
    }
  });
  return wide;
}"""


def assert_fits(page: Any, *widths: int) -> None:
    """At each width, neither the page nor a box in it scrolls sideways (nothing clipped)."""
    for width in widths:
        page.set_viewport_size({"width": width, "height": 900})
        wide = page.evaluate(SIDEWAYS)
        assert not wide, f"{page.url} at {width} px scrolls sideways: {wide}"
