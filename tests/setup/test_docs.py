"""The documentation builds without a broken link, and the README opens with the two
commands a newcomer needs."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"

# [text](target) and ![alt](target), stopping at a title or the closing bracket.
MARKDOWN_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//|#)", re.IGNORECASE)


def test_mkdocs_builds_in_strict_mode(tmp_path):
    # A subprocess, so MkDocs' own warnings fail the build rather than this test's filters.
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "site" / "index.html").exists()


def _first_code_block(text: str) -> list[str]:
    """The lines of the first fenced block, which must come before any other paragraph."""
    lines = text.splitlines()
    body = [line for line in lines if line.strip() and not line.startswith("# ")]
    assert body and body[0].startswith("```"), "README.md must open with a fenced block of commands"
    start = lines.index(body[0]) + 1
    end = next(index for index in range(start, len(lines)) if lines[index].startswith("```"))
    return lines[start:end]


def test_readme_opens_with_make_run_then_make_test():
    commands = [line.split("#", 1)[0].strip() for line in _first_code_block(README.read_text())]
    assert [command for command in commands if command] == ["make run", "make test"]


def test_every_relative_link_in_the_readme_points_at_a_file_that_exists():
    targets = MARKDOWN_LINK.findall(README.read_text())
    relative = [target for target in targets if not EXTERNAL.match(target)]
    assert relative, "README.md links into docs/"
    missing = [target for target in relative if not (ROOT / target.split("#", 1)[0]).exists()]
    assert missing == []
