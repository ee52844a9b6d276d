"""The plain-text reader: structure of a FRUS page and clear errors on bad input."""

from pathlib import Path

import pytest

from graph.read.reader import ReadError, read_document, read_text

from .conftest import SEED


def test_seed_structure():
    doc = read_document(SEED)
    assert doc.doc_id == "frus1969-76v14-d247"
    assert doc.number == 247
    assert doc.title.startswith("Backchannel Message From the President’s Assistant")
    assert doc.title.endswith("(Smith)")  # the source note's call '1' is not part of the title
    assert [n.number for n in doc.footnotes] == [1, 2, 3, 4]
    assert doc.text[doc.footnotes[1].call - 4:doc.footnotes[1].call + 1] == "408.2"
    assert doc.text[doc.footnotes[2].call - 7:doc.footnotes[2].call + 1] == "number.3"
    assert doc.pages == [("957", doc.text.index("[Page 957]"))]
    assert doc.source_note and doc.text[doc.source_note.start:].startswith("Source: National Archives")
    assert doc.classification == "Top Secret; Sensitive; Exclusively Eyes Only"
    assert doc.url == "https://history.state.gov/historicaldocuments/frus1969-76v14/d247"
    assert doc.warnings == []
    assert doc.section_of(doc.text.index("On May 20")) == "footnote 4"


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("name,data,message,line", [
    ("empty.txt", b"", "empty file", None),
    ("blank.txt", b"\n  \n", "empty file", None),
    ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary file", None),
    ("latin1.txt", "12. Memorandum\n\nThe d\u00e9marche".encode("latin-1"), "not UTF-8", 3),
    ("noheading.txt", b"\nSome text without a number.\n", "no heading", 2),
])
def test_bad_input_names_file_and_line(tmp_path, name, data, message, line):
    path = write(tmp_path, name, data)
    with pytest.raises(ReadError) as caught:
        read_document(path)
    assert message in str(caught.value)
    assert str(path) in str(caught.value)
    assert caught.value.line == line


def test_missing_file_is_a_read_error(tmp_path):
    with pytest.raises(ReadError, match="cannot read"):
        read_document(tmp_path / "nope.txt")


def test_footnote_call_without_footnote_is_warned():
    text = "5. Memorandum From Smith to Kissinger1\n\nThe Soviets listed their issues.2 More text.\n\n  1. Source: Files.\n"
    doc = read_text(Path("x.txt"), text)
    assert any("footnote call 2 has no footnote" in w and "x.txt:3" in w for w in doc.warnings)


def test_footnote_without_call_is_warned():
    text = "5. Note1\n\nNo calls here.\n\n  1. Source: Files.\n  2. An orphan note.\n"
    doc = read_text(Path("y.txt"), text)
    assert any("footnote 2 has no call" in w for w in doc.warnings)


def test_crlf_is_normalised(tmp_path):
    path = write(tmp_path, "crlf.txt", b"7. Telegram1\r\n\r\nBody.\r\n\r\n  1. Source: Files.\r\n")
    doc = read_document(path)
    assert doc.number == 7 and "\r" not in doc.text and doc.title == "Telegram"
