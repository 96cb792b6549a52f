"""Text as it is printed: what a person typed must read the same in a PDF, a CSV file or
an e-mail as it did on the page.

Unicode's bidirectional embedding and override controls (U+202A–U+202E) and isolates
(U+2066–U+2069) change the order in which the characters after them are shown: an
"RLO" typed into a name prints the rest of the text reversed, and an unclosed one runs on
into whatever follows it in the document (the "Trojan Source" trick). They are taken
out. The left-to-right and right-to-left marks (U+200E, U+200F) stay: they cannot reverse
text, only place neutral characters such as punctuation next to Arabic or Hebrew, which
a name written in those scripts may need.

This module imports no app: it is a shared piece under every app.
"""

import re

_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def neutralise_bidi(text: str) -> str:
    """The text without bidirectional embedding, override and isolate controls."""
    return _BIDI_CONTROLS.sub("", text)
