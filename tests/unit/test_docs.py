"""Every relative link in README.md and docs/*.md resolves: the file or directory exists, and a
#anchor names a heading of the target, slugged the way GitHub does. scripts/collection_check.sh
runs the same check (broken_links) on the installed collection, where only what ships exists."""
import re
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parents[2]


def documents(root: Path) -> list:
    """The README and the pages in docs/ of a checkout or of an installed collection."""
    return [root / "README.md"] + sorted((root / "docs").glob("*.md"))


DOCUMENTS = documents(ROOT)

FENCE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.DOTALL)
LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s.*)?$", re.MULTILINE)
HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$", re.MULTILINE)
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def prose(text: str) -> str:
    """The text without fenced code blocks and code spans, where brackets are not links."""
    return CODE_SPAN.sub("", FENCE.sub("", text))


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: markup dropped, lower case, punctuation other than '-'
    and '_' removed, each space a '-'."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # links keep their text
    text = re.sub(r"<[^>]+>", "", text)  # inline HTML
    text = text.replace("`", "").replace("*", "")
    text = re.sub(r"(?<!\w)_+|_+(?!\w)", "", text)  # emphasis underscores, not those inside words
    text = text.strip().lower()
    text = "".join(c for c in text if c.isalnum() or c in " -_")
    return text.replace(" ", "-")


def anchors(path: Path) -> set:
    """Every heading anchor of a Markdown file; repeated headings get -1, -2, ... like GitHub."""
    seen, result = {}, set()
    for _level, title in HEADING.findall(FENCE.sub("", path.read_text())):
        base = slug(title)
        count = seen.get(base, 0)
        seen[base] = count + 1
        result.add(base if count == 0 else f"{base}-{count}")
    return result


def links_in(markdown: str) -> list:
    text = prose(markdown)
    return LINK.findall(text) + REFERENCE.findall(text)


def links(path: Path) -> list:
    return links_in(path.read_text())


CASES = [(doc, target) for doc in DOCUMENTS for target in links(doc) if not SCHEME.match(target)]


def test_the_documents_exist_and_link_somewhere():
    assert (ROOT / "docs" / "design.md").exists()
    assert CASES


def broken(document: Path, target: str, root: Path) -> str:
    """Why the relative link `target` of `document` does not resolve inside `root`; empty if it does."""
    name = document.relative_to(root)
    path_part, _separator, anchor = target.partition("#")
    destination = (document.parent / unquote(path_part)).resolve() if path_part else document
    if not destination.exists():
        return f"{name}: {target} does not exist"
    if not destination.is_relative_to(root.resolve()):
        return f"{name}: {target} leaves {root}"
    if anchor and destination.suffix != ".md":
        return f"{name}: {target} has an anchor into a non-Markdown file"
    if anchor and unquote(anchor) not in anchors(destination):
        return (f"{name}: no heading for #{anchor} in {destination.relative_to(root.resolve())}; "
                f"there are {sorted(anchors(destination))}")
    return ""


def broken_links(root: Path) -> list:
    """What is wrong with every relative link of the README and docs/*.md under `root`."""
    found = (broken(doc, target, root) for doc in documents(root) for target in links(doc)
             if not SCHEME.match(target))
    return [problem for problem in found if problem]


@pytest.mark.parametrize(("document", "target"), CASES,
                         ids=[f"{doc.relative_to(ROOT)}->{target}" for doc, target in CASES])
def test_relative_link_resolves(document, target):
    problem = broken(document, target, ROOT)
    assert not problem, problem


@pytest.mark.parametrize(("heading", "expected"), [
    ("Use it in your own infrastructure repository", "use-it-in-your-own-infrastructure-repository"),
    ("Unit tests (`tests/unit`, pytest)", "unit-tests-testsunit-pytest"),
    ("`default`", "default"),
    ("ACME certificates (Let's Encrypt)", "acme-certificates-lets-encrypt"),
    ("Several proxies: rolling deploys with a health gate", "several-proxies-rolling-deploys-with-a-health-gate"),
    ("Keep-alive ≥ 0.8 × direct", "keep-alive--08--direct"),
    ("snake_case name", "snake_case-name"),
])
def test_slug_follows_github(heading, expected):
    assert slug(heading) == expected


def test_the_readme_lists_every_page_of_docs():
    index = (ROOT / "README.md").read_text().partition("\n## Documentation\n")[2]
    assert index, "the README has no section '## Documentation' (the index of docs/)"
    listed = set(links_in(index))
    missing = [page.name for page in DOCUMENTS[1:] if f"docs/{page.name}" not in listed]
    assert not missing, f"README.md's Documentation section does not list {missing}"
