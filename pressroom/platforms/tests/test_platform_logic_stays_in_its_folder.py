"""Adding a platform touches its folder and one registry line: outside `pressroom/platforms`,
no code branches on a platform's name or keeps a table by platform, and no page names one.

Data is allowed (a test's channels, a demo channel's Vietnamese name, a comment): the scan
reads the code's syntax, not its words.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from pressroom.platforms.registry import DESCRIPTORS

ROOT = Path(__file__).resolve().parents[2]
NAMES = frozenset(DESCRIPTORS)
SKIPPED = ("platforms", "tests", "migrations", "locale")
# Still branching on a platform's name, each for a reason of its own (keep this list short):
# a whole module, or one of its functions.
KNOWN = {
    # The sandbox's load check, whose bare calls are also the fan-out benchmark's reference:
    # raw HTTP requests shaped by hand for each platform, the yardstick the clients are
    # measured by.
    ("bench/loadcheck.py", None),
    # The webhook benchmark is Facebook's feed webhooks by definition (BENCHMARKS.md): bodies
    # shaped by hand, a Page to send them for.
    ("bench/webhooks.py", None),
}
# The demo names its channels in Vietnamese, by platform (any other: by its brand label).
DATA_TABLES = {("demo/province.py", "PLATFORM_NAMES")}


def _is_name(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and node.value in NAMES


def _names_in(node: ast.AST) -> bool:
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return any(_is_name(element) for element in node.elts)
    return _is_name(node)


def platform_logic(source: str, relative: str) -> list[str]:
    """Where the code compares with a platform's name, passes one as an argument, looks one up,
    or keeps a table keyed by platform."""
    found = []
    tree = ast.parse(source)
    tree.body = [
        statement
        for statement in tree.body
        if (relative, getattr(statement, "name", "")) not in KNOWN
    ]
    tables = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name) and (relative, target.id) in DATA_TABLES
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and any(
            _names_in(side) for side in (node.left, *node.comparators)
        ):
            found.append(f"{relative}:{node.lineno}: compares with a platform's name")
        elif isinstance(node, ast.keyword) and _names_in(node.value):
            found.append(f"{relative}:{node.value.lineno}: a platform's name as an argument")
        elif isinstance(node, ast.Subscript) and _is_name(node.slice):
            found.append(f"{relative}:{node.lineno}: looks a platform up by its name")
        elif (
            isinstance(node, ast.Dict)
            and id(node) not in tables
            and sum(_is_name(key) for key in node.keys) >= 2
        ):
            found.append(f"{relative}:{node.lineno}: a table by platform")
    return sorted(found, key=lambda where: int(where.split(":")[1]))


def test_no_code_outside_the_platforms_branches_on_a_platform() -> None:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if set(path.relative_to(ROOT).parts) & set(SKIPPED) or (relative, None) in KNOWN:
            continue
        found += platform_logic(path.read_text(encoding="utf-8"), relative)
    assert found == []


def test_no_page_names_a_platform() -> None:
    """Pages say a platform's name through its descriptor (`label`), never in their text."""
    brand = re.compile("|".join(rf"\b{re.escape(d.label)}\b" for d in DESCRIPTORS.values()))
    found = [
        f"{path.relative_to(ROOT).as_posix()}:{number}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if brand.search(line) or any(f'"{name}"' in line for name in NAMES)
    ]
    assert found == []


def test_the_scan_finds_each_kind_of_branch() -> None:
    source = "\n".join(
        [
            'if channel.platform == "telegram": pass',
            'if platform in ("zalo", "facebook"): pass',
            'Delivery.objects.filter(channel__platform="mastodon")',
            'PATHS["telegram"]',
            'URLS = {"facebook": "/f", "zalo": "/z"}',
            'PLATFORM_NAMES = {"facebook": "Trang Facebook", "zalo": "Zalo OA"}',
            '# "telegram" in a comment, and a name in words: "Kênh Telegram"',
        ]
    )
    found = platform_logic(source, "demo/province.py")
    assert [line.split(": ", 1)[1] for line in found] == [
        "compares with a platform's name",
        "compares with a platform's name",
        "a platform's name as an argument",
        "looks a platform up by its name",
        "a table by platform",
    ]
