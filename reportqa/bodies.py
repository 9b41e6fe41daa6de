"""The names of government bodies, as data (schema/bodies.json): short forms, place levels, the
words an organisation's name ends with. Shared by ingest (who published a report) and retrieval
(which reports a question names), so both read a body the same way.
"""
from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from reportqa.vocabulary import to_simplified

_FILE = Path(__file__).parent / "schema" / "bodies.json"


@lru_cache(maxsize=1)
def _data() -> dict:
    return json.loads(_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _abbreviations() -> list[tuple[str, str]]:
    items = [(k, v) for k, v in _data()["abbreviations"].items() if k != v]
    return sorted(items, key=lambda kv: len(kv[0]), reverse=True)


@lru_cache(maxsize=1)
def _org_ending() -> re.Pattern:
    endings = sorted(_data()["organisation_endings"], key=len, reverse=True)
    return re.compile("(?:" + "|".join(map(re.escape, endings)) + ")$")


@lru_cache(maxsize=1)
def _place_ending() -> re.Pattern:
    levels = sorted(_data()["place_levels"], key=len, reverse=True)
    return re.compile("(?:" + "|".join(map(re.escape, levels)) + ")$")


@lru_cache(maxsize=1)
def not_bodies() -> frozenset[str]:
    return frozenset(_data()["not_bodies"])


_VARIANTS = str.maketrans({"陜": "陕", "衞": "卫", "敎": "教"})  # variant characters OpenCC leaves as they are


@lru_cache(maxsize=1)
def _kinds() -> tuple[frozenset[str], frozenset[str]]:
    d = _data()
    return frozenset(d["department_kinds"]), frozenset(d["zone_kinds"])


@lru_cache(maxsize=4096)
def is_generic_unit(name: str | None) -> bool:
    """A body named by its kind alone, no place and no proper name (商务局, 自然资源局, 开发区, 区统计局):
    it could be any of thousands, so it never names a particular one."""
    f = re.sub(r"^(?:省|市|区|县|州|盟|旗)(?=[\u4e00-\u9fff]{2})", "", expand(flat(name or "")))
    departments, zones = _kinds()
    return f in departments or f in zones


def zone_suffix(name: str) -> str | None:
    """The kind of zone a name ends with, longest first (西宁经济技术开发区 → 经济技术开发区)."""
    return next((z for z in sorted(_kinds()[1], key=len, reverse=True) if name.endswith(z)), None)


_DISCLOSURE_OFFICE = re.compile(r"(?<=[区县市旗])(?:政务公开|政府信息公开|信息公开)(?:工作)?(?:领导小组)?办公室")


def drop_disclosure_office(text: str) -> str:
    """A place's 政务公开办公室 writes the place's report: 黄埔区政务公开工作办公室 → 黄埔区 (in a name or
    a question alike)."""
    return _DISCLOSURE_OFFICE.sub("", text)


@lru_cache(maxsize=1)
def generic_mentions() -> frozenset[str]:
    """Names that, in a question, say which kind of body but not which one (市人民政府 in 市政府规章)."""
    return frozenset(_data().get("generic_mentions", ())) | not_bodies()


def flat(text: str) -> str:
    """NFKC, simplified characters, no white space: the matching form of a name."""
    return to_simplified(re.sub(r"[\s\u3000]+", "", unicodedata.normalize("NFKC", text or ""))).translate(_VARIANTS)


@lru_cache(maxsize=65536)
def expand(name: str) -> str:
    """Short forms written out once: 市场监管局 → 市场监督管理局, 花都区政府办 → 花都区人民政府办公室.
    A short form inside its own full form (卫健局 never is; 政府办 inside 人民政府办公室) is left."""
    out = name
    for short, full in _abbreviations():
        if short not in out:
            continue
        pieces, pos = [], 0
        for m in re.finditer(re.escape(short), out):
            # the full form already written here (…人民政府办公室 holds 政府办): keep it
            around = out[max(0, m.start() - len(full)):m.end() + len(full)]
            if full in around or (m.end() < len(out) and _continues(short + out[m.end()])):
                continue
            pieces.append(out[pos:m.start()] + full)
            pos = m.end()
        out = "".join(pieces) + out[pos:]
    # 人民人民政府 when a text already wrote 人民政府办 (rare) or 政府 was expanded twice
    return out.replace("人民人民", "人民")


@lru_cache(maxsize=1)
def _full_words() -> tuple[str, ...]:
    return tuple(set(_data()["abbreviations"].values()) | set(_data()["organisation_endings"]))


def _continues(short_and_next: str) -> bool:
    """政府办 followed by 公 is 政府办公厅/政府办公室 written out, not the short form 政府办."""
    return len(short_and_next) > 1 and any(short_and_next in w for w in _full_words())


@lru_cache(maxsize=65536)  # every stored body is put in this form for every question
def canonical(name: str | None) -> str:
    """The form two names of one body share: flat and with short forms written out."""
    return expand(flat(name or ""))


def is_organisation(name: str) -> bool:
    return bool(_org_ending().search(flat(name)))


def is_place(name: str) -> bool:
    return bool(_place_ending().search(flat(name)))


def is_body_name(name: str | None) -> bool:
    """A plausible body name: Chinese, 2–40 characters, ends like a body or a place, not 我局/本市."""
    f = flat(name or "")
    if not (2 <= len(f) <= 40) or f in not_bodies() or not re.fullmatch(r"[\u4e00-\u9fff（）()·]+", f):
        return False
    if re.match(r"[局委办厅署处科室]", f):  # 局办公室: an office inside some body, not a body
        return False
    if re.search(r"关于|通知|条例|意见|办法|决定|报告|规定|要求|做好|公开工作|工作情况|情况|政府信息|年度|通过|门户|网站|"
                 r"关注|高度|以下|简称|我|本年|全年|紧紧|围绕|坚持|认真|进一步", f):
        return False
    return is_organisation(f) or is_place(f)


__all__ = ["flat", "expand", "canonical", "is_organisation", "is_place", "is_body_name", "is_generic_unit", "zone_suffix", "drop_disclosure_office", "not_bodies"]
