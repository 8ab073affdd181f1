"""The product's packages import each other in one direction only, and never in a circle.

The layers, lowest first (a module may import its own layer and the ones below it):

    core  <-  engine  <-  worker  <-  channel base  <-  channels  <-  conversation  <-  server  <-  portraitbot

* channel base: ``bot.messages`` (the shapes of a turn and the ``Dialogue`` a channel talks to),
  ``bot.parts`` (what the server hands a channel) and photo intake (``bot.photos``, ``bot.intake``:
  every channel takes photos in through them, off the event loop; ``bot.together``: photos
  sent together);
* channels: one package each under ``bot/`` (``bot.telegram``, ``bot.wechat`` …); a channel does
  not import another, except WeCom reusing WeChat's rendering and media (``SIBLINGS``);
* conversation: the channel-neutral modules of ``bot/`` (``bot.conversation``, ``bot.commands`` …);
* server: ``bot.http``; composition roots only in ``portraitbot``.

Every import counts, also those inside functions and under ``TYPE_CHECKING``: a cycle hidden in a
function is still a cycle. Like ``test_core_is_pure``, this reads the code, not a convention.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("core", "engine", "worker", "bot", "portraitbot", "locales")
CHANNEL_BASE = frozenset({"bot.messages", "bot.parts", "bot.photos", "bot.intake", "bot.together"})
SERVER = frozenset({"bot.http"})
SIBLINGS = {("wecom", "wechat")}
"""Channel packages allowed to import another: (importer, imported)."""
ORDER = ("core", "engine", "worker", "channel base", "channels", "conversation", "server", "portraitbot")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def product_modules() -> dict[str, Path]:
    return {module_name(p): p for package in PACKAGES for p in (ROOT / package).rglob("*.py")}


def imports(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Each module's imports of other product modules (a package's own ``__init__`` aside)."""
    graph: dict[str, set[str]] = defaultdict(set)
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
            for target in targets:
                if target in modules and target != name and not name.startswith(target + "."):
                    graph[name].add(target)
    return graph


def layer(name: str) -> str:
    top = name.split(".")[0]
    if top == "locales":
        return "core"  # the catalogues' loader: data, below everything that speaks
    if top != "bot":
        return top
    if name in CHANNEL_BASE:
        return "channel base"
    if name in SERVER:
        return "server"
    parts = name.split(".")
    if len(parts) > 1 and (ROOT / "bot" / parts[1]).is_dir():
        return "channels"
    return "conversation"


def channel_of(name: str) -> str | None:
    return name.split(".")[1] if layer(name) == "channels" else None


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle_among_the_product_modules() -> None:
    assert cycles(imports(product_modules())) == []


def test_every_import_goes_down_the_layers() -> None:
    wrong = []
    for importer, targets in imports(product_modules()).items():
        for target in targets:
            a, b = layer(importer), layer(target)
            if ORDER.index(b) > ORDER.index(a):
                wrong.append(f"{importer} ({a}) imports {target} ({b})")
            pair = (channel_of(importer), channel_of(target))
            if a == b == "channels" and pair[0] != pair[1] and pair not in SIBLINGS:
                wrong.append(f"channel {pair[0]} imports channel {pair[1]}: {importer} -> {target}")
    assert sorted(wrong) == []


def test_the_checker_sees_a_cycle_and_an_upward_import() -> None:
    """The rules above would catch a break: a made-up graph with both faults is reported."""
    graph = {"bot.commands": {"bot.conversation"}, "bot.conversation": {"bot.commands"}}
    assert cycles(graph) == [["bot.commands", "bot.conversation"]]
    assert ORDER.index(layer("portraitbot.app")) > ORDER.index(layer("bot.wechat.jobs"))
    assert layer("bot.messages") == "channel base" and layer("bot.wecom.handler") == "channels"
