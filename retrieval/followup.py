"""Follow-up questions keep their context: "那2022年呢？" reuses the body and topic of the
previous question; a question naming no body inherits the previous question's body."""
from __future__ import annotations

import re

from reportqa.types import StoredReport
from retrieval.lexicon import flatten
from retrieval.scope import _body_score

_YEAR = re.compile(r"(?:19|20)\d\d\s*年?")
_ELLIPTIC = re.compile(r"^(那么?|那|还有|再看|换成|如果是)?.{0,12}(呢|如何|怎么样|又是多少)[？?]?$")


def contextualize(question: str, history: list[str], reports: list[StoredReport]) -> str:
    if not history:
        return question
    previous = contextualize(history[-1], history[:-1], reports)
    flat = flatten(question)
    names_body = any(_body_score(flat, r) > 0 for r in reports)
    if _ELLIPTIC.match(flat) and len(flat) <= 16:
        years = _YEAR.findall(flat)
        rebuilt = previous
        if years:
            rebuilt = _YEAR.sub("", rebuilt)
            rebuilt = years[0].rstrip("年") + "年" + rebuilt
        if names_body:
            rebuilt = flat.rstrip("呢？?") + "：" + rebuilt
        return rebuilt
    if not names_body:
        prev_flat = flatten(previous)
        named = [r for r in reports if _body_score(prev_flat, r) > 0]
        if named:
            body = named[0].body or ""
            return f"{body}{question}"
    return question
