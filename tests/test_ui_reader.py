"""The document reader's rendering: marks nested and split where they cross, calls and page breaks, escaping."""

from __future__ import annotations

from pathlib import Path

from api.reader import Mark, render_document, render_span
from graph.read.reader import read_text

TEXT = """12. Memorandum From <Smith> to Kissinger (Washington)1

Washington, May 20, 1972.

The Soviets & the U.S. disagreed on "heavy" missiles.2 More talk.

[Page 34]

Smith proposed 10 percent.

  1. Source: a file. Secret.
  2. See the record of May 19.
"""


def doc():
    return read_text(Path("x.txt"), TEXT)


def test_blocks_calls_page_breaks_and_escaping():
    rendered = render_document(doc(), [])
    assert rendered.heading.html.startswith("Memorandum From &lt;Smith&gt; to Kissinger")
    assert rendered.heading.html.endswith('(Washington)<sup class="fn-call"><a href="#fn-1" id="fn-call-1" '
                                          'aria-label="footnote 1">1</a></sup>')
    kinds = [b.kind for b in rendered.body]
    assert kinds == ["paragraph", "paragraph", "page", "paragraph"] and rendered.body[2].page == "34"
    assert 'missiles.<sup class="fn-call"><a href="#fn-2"' in rendered.body[1].html
    assert "&amp; the U.S." in rendered.body[1].html and "&quot;heavy&quot;" in rendered.body[1].html
    assert [n.number for n in rendered.footnotes] == [1, 2]


def test_marks_nest_and_split_where_they_cross():
    d = doc()
    text = d.text
    sentence = text.index("The Soviets")
    end = text.index("More talk")
    soviets = (sentence, sentence + len("The Soviets"))
    crossing = (text.index("heavy"), text.index("More talk") + 4)  # runs past the sentence's end
    marks = [Mark(sentence, end - 1, "stance", "ussr", "rejection"),
             Mark(*soviets, "mention", "ussr", "Soviet <Delegation>", "/org/soviet"),
             Mark(*crossing, "stance", "us", "proposal")]
    html = str(render_span(text, d.paragraphs[1][0], d.paragraphs[1][1], marks, [], set()))
    assert html.startswith(f'<mark id="passage-{sentence}-{end - 1}" class="x-stance side-ussr"')
    assert f'<a href="/org/soviet" id="passage-{soviets[0]}-{soviets[1]}" class="x-mention side-ussr"' in html
    assert 'title="Soviet &lt;Delegation&gt;"' in html
    assert html.count(f'data-passage="passage-{crossing[0]}-{crossing[1]}"') == 2  # split at the crossing
    assert html.count(f'id="passage-{crossing[0]}-{crossing[1]}"') == 1  # one anchor for the passage
    assert html.count("<mark") == html.count("</mark>") and html.count("<a ") == html.count("</a>")


def test_a_mention_inside_a_link_is_not_a_nested_link():
    text = "See the Soviet Union here."
    outer = Mark(4, 20, "mention", "ussr", "Soviet Union", "/org/soviet-union")
    inner = Mark(8, 14, "mention", "ussr", "Soviet", "/org/soviet")
    html = str(render_span(text, 0, len(text), [outer, inner], [], set()))
    assert html.count("<a ") == 1 and "<mark" in html
