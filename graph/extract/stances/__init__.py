"""Negotiating stances at clause level, and whose stance each one is.

FRUS conventions these rules follow:
- A sentence may hold several stances; it is cut into clauses at semicolons, dashes, and at
  ", and"/", but"/", while" before a new subject. Each clause with a stance cue is its own event.
- The stance belongs to the clause's speaker, not to the document's author or to whoever reports it:
  the holder is the speaker expression nearest before the stance cue ("Smith reported on the
  continuing Soviet refusal": Soviet), except that an "I"/"we" inside speech reported from a named
  third party stays that party's ("Dobrynin said that we had to …": Dobrynin), and a stance stated
  by a reporting verb ("said", "stressed") inside reported speech stays the reporter's.
- A side named after a preposition is not a speaker ("a free ride for Soviets", "in Soviet minds"),
  except the agent of a passive ("was rejected by the Soviets").
- "I"/"we"/"our" are the document's author: its sender, else (FRUS being the U.S. record) the United
  States; "you" is the recipient; "he"/"she" the last person named before; "they"/"their" the side
  named last; a stance received ("we have received … démarche") is the other side's.
- A clause without a speaker continues the last speaker of its paragraph or footnote; with none,
  the author's voice in the body of a message, and unknown in footnotes and editorial notes.
- A stance is about the issues its clause names (or its anaphora resolves to), else its sentence's,
  else the issues its paragraph named last.
"""

from graph.extract.stances.cues import STANCE_TYPES
from graph.extract.stances.paragraphs import Stance, find_stances
from graph.extract.stances.sides import SIDE_IRIS, side_code, side_iri
from graph.extract.stances.voices import Speaker

__all__ = ["SIDE_IRIS", "STANCE_TYPES", "Speaker", "Stance", "find_stances", "side_code", "side_iri"]
