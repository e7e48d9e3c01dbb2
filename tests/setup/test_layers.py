"""The package is a one-way stack: each room imports only from the rooms beneath it.

domain → models (and the infrastructure beside them) → permissions → queries → summaries
→ services → web and jobs, the two entry points, which never import each other. The app
factory, the command line and the demonstration data put the whole together on top.
Imports inside functions count: an import that climbs is a circle in waiting.
"""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "platform" / "localvision"

INFRASTRUCTURE = {"config", "data_versions", "extensions", "job_queue", "links", "mail_transport", "rate_limits", "schema",
                  "redis_connection", "sqlite", "termination"}
COMPOSITION = {"", "cli", "demo"}  # "" is the package itself: the app factory
LAYERS = {"domain": 0, "models": 1, **{name: 1 for name in INFRASTRUCTURE}, "permissions": 2, "queries": 3,
          "summaries": 4, "services": 5, "web": 6, "jobs": 6, **{name: 7 for name in COMPOSITION}}
ENTRY_POINTS = {"web", "jobs"}


def module_name(path: Path) -> str:
    parts = ["localvision", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in PACKAGE.rglob("*.py")}


def room_of(module: str) -> str:
    """The first folder or module under the package: ``web``, ``queries``, ``config``..."""
    return module.split(".")[1] if "." in module else ""


def imported_modules(module: str, path: Path) -> set[str]:
    """Every module of the package that ``module`` imports, at the top or inside a function."""
    found = set()
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")[: None if is_package else -1]
                base = base[: len(base) - node.level + 1]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
            submodules = {f"{source}.{alias.name}" for alias in node.names} & MODULES.keys()
            found.update(submodules)
            if len(submodules) < len(node.names):
                found.add(source)
    return {name for name in found if name in MODULES and name != module}


def climbing_imports() -> list[str]:
    problems = []
    for module, path in sorted(MODULES.items()):
        room = room_of(module)
        for imported in sorted(imported_modules(module, path)):
            target = room_of(imported)
            if target == room:
                continue
            if LAYERS[target] > LAYERS[room] or (room in ENTRY_POINTS and target in ENTRY_POINTS):
                problems.append(f"{module} imports {imported}")
    return problems


def test_every_room_has_a_place_in_the_stack():
    assert {room_of(module) for module in MODULES} <= LAYERS.keys()


def test_no_import_climbs_the_stack():
    assert climbing_imports() == []


def test_the_check_sees_an_import_inside_a_function(tmp_path):
    written = tmp_path / "decisions.py"
    written.write_text((PACKAGE / "queries" / "decisions.py").read_text()
                       + "\n\ndef later():\n    from localvision.services import decisions\n")
    assert "localvision.services.decisions" in imported_modules("localvision.queries.decisions", written)
