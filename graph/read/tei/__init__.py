"""Stream a FRUS volume in the Office of the Historian's TEI format.

The volume is read with `iterparse` and every document subtree is dropped once read, so memory
stays bounded whatever the volume's size. Yields the volume's metadata, its persons and terms lists,
then each document flattened to plain text in the layout the plain-text reader produces (heading
line with the source-note call, dateline, lists, paragraphs, numbered footnotes) together with the
editors' markup as gold annotations whose offsets point into that text: person mentions
(`persName/@corresp`), term mentions (`gloss/@target`), cross-references (`ref/@target`), page
breaks (joined without inserting spaces) and the dateline's place and validated date.
"""

from graph.read.tei.lists import split_name
from graph.read.tei.stream import is_tei, iter_volume
from graph.read.tei.types import Dateline, Gold, TeiDocument, TeiPerson, TeiTerm, VolumeInfo

__all__ = ["Dateline", "Gold", "TeiDocument", "TeiPerson", "TeiTerm", "VolumeInfo", "is_tei", "iter_volume",
           "split_name"]
