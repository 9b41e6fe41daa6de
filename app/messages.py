"""Library messages (English, naming the file) in the web page's language.

ingest/ raises errors that name the file and the reason in English, for logs and the CLI; the
web page shows the same reason in Chinese. An unknown reason is said in Chinese with the library's
words in brackets.
"""
from __future__ import annotations

import re

_REASONS: list[tuple[re.Pattern, str]] = [(re.compile(p), zh) for p, zh in [
    (r"the file is empty", "文件是空的"),
    (r"no such file", "找不到该文件"),
    (r"the file is (\d+) MB; the limit is (\d+) MB", r"文件大小为 \1 MB，超过上限 \2 MB"),
    (r"unsupported file type '([^']*)'", r"不支持的文件类型 \1（可上传 .txt .md .pdf .docx .html）"),
    (r"binary, not text|looks binary", "这是二进制文件，不是文本"),
    (r"neither UTF-8 nor GB", "文本编码既不是 UTF-8 也不是 GBK/GB18030，请另存为 UTF-8 后重试"),
    (r"does not decode as", "文本编码有误，无法解码"),
    (r"the PDF is encrypted", "PDF 已加密（有密码保护），请另存一份未加密的副本"),
    (r"the PDF is damaged or truncated", "PDF 文件已损坏或不完整，无法读取"),
    (r"this is not a PDF file", "这不是 PDF 文件（缺少 %PDF 文件头）"),
    (r"the PDF has no pages", "PDF 没有页面"),
    (r"OCR is not available", "PDF 没有文字层（扫描件），本机未安装文字识别（OCR）：请安装 Tesseract（tesseract-ocr、tesseract-ocr-chi-sim）或提供带文字层的 PDF"),
    (r"(\d+) pages need OCR \(no text layer\); the limit is (\d+)", r"有 \1 页没有文字层、需要文字识别（OCR），超过上限 \2 页"),
    (r"no text layer", "PDF 没有文字层（扫描件），OCR 也没有识别出文字"),
    (r"old Word \.doc file", "这是旧版 Word .doc 文件，只支持 .docx：请用 Word 或 WPS 另存为 .docx 后重试"),
    (r"Word file is damaged|not a \.docx", "Word 文件已损坏或不是 .docx 格式"),
    (r"Word document contains no text", "Word 文档中没有文字"),
    (r"HTML cannot be parsed", "网页无法解析"),
    (r"HTML page contains no text", "网页中没有文字"),
    (r"no recognisable 政府信息公开工作年度报告", "无法识别为《政府信息公开工作年度报告》：没有报告名称、标准章节标题（一、总体情况……）或统计表格"),
    (r"lacks (\d+) of its (\d+) table cells", r"新文件缺少已存版本 \2 个表格数值中的 \1 个，已保留原版本；如确需替换，请勾选“允许替换”"),
    (r"is the start of it, cut off \((\d+) of (\d+) characters\)", r"新文件只是已存版本的开头部分（\1/\2 字，疑似截断），已保留原版本；如确需替换，请勾选“允许替换”"),
    (r"has only (\d+) of its (\d+) characters", r"新文件正文只有已存版本的 \1/\2 字，已保留原版本；如确需替换，请勾选“允许替换”"),
    (r"took longer than (\d+) s", r"解析超过 \1 秒，已中止"),
    (r"used more than (\d+) MB of memory", r"解析占用内存超过 \1 MB，已中止"),
    (r"the parser stopped unexpectedly", "解析进程意外终止"),
    (r"(\d+) pages; the limit is (\d+)", r"共 \1 页，超过上限 \2 页"),
    (r"unpacks to (\d+) MB", r"解压后达 \1 MB，超过上限"),
    (r"(\d+) entries; the limit is (\d+)", r"压缩包内有 \1 个文件，超过上限 \2 个"),
    (r"nested (\d+) levels deep", r"网页标签嵌套 \1 层，超过上限"),
    (r"a line of (\d+) characters", r"有一行长达 \1 个字符，超过上限"),
]]


def in_chinese(message: str) -> str:
    """「file」：reason in Chinese. A reason not known here is said in Chinese too, with the
    library's words after it in brackets (for whoever reads the log)."""
    name, _sep, reason = message.partition(": ")
    for pattern, zh in _REASONS:
        m = pattern.search(reason or message)
        if m:
            return f"「{name}」：{m.expand(zh)}" if reason else m.expand(zh)
    if not message or re.search(r"[\u4e00-\u9fff]", message) and not re.search(r"[A-Za-z]{4,}", message):
        return message
    return f"「{name}」：无法读取该文件（{reason}）" if reason else f"无法处理（{message}）"
