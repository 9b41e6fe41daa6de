"""What a chunk is searched by, apart from what it quotes.

A chunk's text is always `report text[start:end]` (quoted in answers). What is keyword-indexed is
`search_text` (the section heading gives the chunk its context); what the embedding model sees is
`embedding_text`. Core, not ingest: the stores re-embed committed chunks when the embedding model
or backend changes (reportqa/stores), from these same functions.
"""
from __future__ import annotations

import re

from reportqa.types import Chunk

# Runs of digits and cell separators in a table row; and markdown table rules (| --- | :-: |).
_TABLE_NUMBERS = re.compile(r"[\d０-９.．,，/／%\t |]+")
_TABLE_RULES = re.compile(r"[-:：—]{3,}")
_SPACE = re.compile(r"\s+")


def search_text(chunk: Chunk) -> str:
    """What is embedded and keyword-indexed for a chunk: its section heading gives it context
    (unless the chunk starts with that heading already)."""
    heading = chunk.section.split(" / ")[-1]
    return chunk.text if chunk.text.startswith(heading) else f"{heading}：{chunk.text}"


def embedding_text(chunk: Chunk) -> str:
    """What the dense model sees. A table chunk keeps its labels and loses its numbers: "0\\t0\\t0\\t0"
    costs tokens (embedding time follows tokens) and says nothing a question's meaning could match;
    BM25 still indexes the numbers. Its white space is made single spaces: the tokenizer reads any
    run of white space as one, so the vector is the same, and the same table labels laid out with
    tabs, pipes or one cell per line become one text, embedded once for every report that has them
    (the vector cache is keyed by the text)."""
    if chunk.kind == "table":
        labels = _TABLE_RULES.sub(" ", _TABLE_NUMBERS.sub(" ", search_text(chunk)))
        return _SPACE.sub(" ", labels).strip()
    return search_text(chunk)
