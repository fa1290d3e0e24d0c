"""Citations point to sources a reader has: the regulation, DoD guides, or poam's docs/rules.md."""

from __future__ import annotations

import re
from pathlib import Path

from poam.core import rules
from poam.core.checks import REGISTRY

DOCS = Path(__file__).parent.parent.parent / "docs" / "rules.md"


def _citations() -> dict[str, str]:
    found = {name: value for name, value in vars(rules).items() if name.isupper()}
    found.update({f"check {code}": check.rule for code, check in REGISTRY.items()})
    return found


def test_no_citation_names_a_file_the_user_does_not_have() -> None:
    for name, citation in _citations().items():
        assert "RULES.md" not in citation, name
        assert "shared/" not in citation, name


def test_every_docs_anchor_cited_exists() -> None:
    text = DOCS.read_text("utf-8")
    anchors = set(re.findall(r'<a id="([a-z0-9-]+)"></a>', text))
    cited = {
        (name, anchor)
        for name, citation in _citations().items()
        for anchor in re.findall(r"docs/rules\.md#([a-z0-9-]+)", citation)
    }
    assert cited, "some citations name docs/rules.md sections"
    missing = {(name, anchor) for name, anchor in cited if anchor not in anchors}
    assert missing == set()


def test_every_citation_names_a_primary_source() -> None:
    for name, citation in _citations().items():
        assert re.search(r"CFR|DFARS|NIST SP 800-171|Assessment Methodology|AM v1", citation), name
