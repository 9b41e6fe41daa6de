"""Page chrome: the parts of a saved web page that are not the report (breadcrumbs, 字号 大 中 小,
索引号/发布机构 blocks, 分享/打印/关闭, QR-code prompts).

They stay in the canonical text, so every offset is exact, but they are kept out of sections'
chunks and narrative numbers. Identification still reads them (发布机构: is a cue).
"""
from __future__ import annotations

import re
import unicodedata

# One short line that is nothing but site furniture.
_CHROME_LINE = re.compile(
    r"^(?:"
    r"(?:当前位置|您的位置|您现在的位置|所在位置|位置)\s*[:：]?.*"
    r"|首\s*页\s*(?:[>＞»/|]|&gt;).*"
    r"|.*\S\s*(?:[>＞»]|&gt;)\s*\S.*(?:[>＞»]|&gt;).*"
    r"|(?:【\s*)?字\s*[号体]\s*[:：]?\s*(?:[【\[]?\s*[大中小默认]\s*[】\]]?\s*)*(?:】)?.*"
    r"|[【\[]?\s*(?:打印(?:本页|此页)?|关闭(?:窗口|本页)?|收藏|分享(?:到)?|返回顶部|返回|纠错|我要纠错|扫一扫|下载|保存)\s*[】\]]?(?:\s*[【\[]?\s*(?:打印(?:本页|此页)?|关闭(?:窗口|本页)?|收藏|分享(?:到)?|返回顶部|返回|纠错|扫一扫)\s*[】\]]?)*"
    r"|用微信.{0,10}扫.*|.{0,10}二维码.{0,20}|关怀版.*|无障碍.*|长者模式.*|繁体版?|简体版?|English"
    r"|(?:索\s*引\s*号|发\s*布\s*机\s*构|生\s*成\s*日\s*期|成\s*文\s*日\s*期|发\s*布\s*日\s*期|主\s*题\s*分\s*类|体\s*裁\s*分\s*类|"
    r"文\s*号|发\s*文\s*字\s*号|发文机关|组配分类|信息来源|来\s*源|浏览次数|访问量|点击数|阅读次数|责任编辑|作\s*者|有\s*效\s*性|"
    r"公开方式|公开范围|公开时限|时\s*效|关\s*键\s*词|标\s*题|名\s*称|发布时间|更新时间|所属机构|内容分类)\s*[:：].{0,80}"
    r")$"
)
_MAX_CHROME_LINE = 90
# A whole navigation run flattened into one line (当前位置： 首页… 来源：… 时间：… 微信 微博 …)
_NAVIGATION = re.compile(r"^(?:当前位置|您的位置|您现在的位置)\s*[:：]?\s*首页.{0,400}$")


def chrome_spans(text: str, *, head_lines: int = 60, tail_lines: int = 25) -> list[tuple[int, int]]:
    """(start, end) of the chrome lines among the first and last lines of the text."""
    lines, pos = [], 0
    for line in text.split("\n"):
        lines.append((pos, line))
        pos += len(line) + 1
    picked = lines[:head_lines] + lines[max(head_lines, len(lines) - tail_lines):]
    spans = []
    for start, line in picked:
        flat = unicodedata.normalize("NFKC", line).strip()
        if flat and ((len(flat) <= _MAX_CHROME_LINE and _CHROME_LINE.match(flat)) or _NAVIGATION.match(flat)):
            spans.append((start, start + len(line)))
    return spans


def outside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """True when [start, end) overlaps no chrome span."""
    return not any(a < end and start < b for a, b in spans)


__all__ = ["chrome_spans", "outside"]
