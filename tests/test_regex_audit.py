"""Every regular expression the product runs over report text or questions, fed the worst inputs we
can build: none may take more than a moment (a pattern that backtracks catastrophically held a
whole ingest for minutes on one table row, 行政许可 111…1x).

The patterns are found two ways, so a new one cannot slip past: compiled patterns held by the
modules (also inside lists and dataclasses, e.g. identify's cue table), and every literal pattern
passed to re.* in the source (found with ast). They run in a child process that names each
pattern before trying it; the parent gives the whole audit a deadline, so a pattern that hangs is
reported by name instead of hanging the suite."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("ingest", "retrieval", "reportqa", "app", "prompts")
SLOW_SECONDS = 1.0  # per pattern and input; linear patterns take milliseconds on these inputs

_AUDIT = r'''
import ast, importlib, json, pkgutil, re, sys, time
from pathlib import Path
ROOT = Path(sys.argv[1]); packages = sys.argv[2].split(","); slow = float(sys.argv[3])
sys.path.insert(0, str(ROOT))

def held(obj, seen, depth=0):
    if isinstance(obj, re.Pattern):
        yield obj
    elif depth < 3 and id(obj) not in seen:
        seen.add(id(obj))
        if isinstance(obj, (list, tuple, set, frozenset)):
            for x in obj: yield from held(x, seen, depth + 1)
        elif isinstance(obj, dict):
            for x in obj.values(): yield from held(x, seen, depth + 1)
        elif hasattr(obj, "__dataclass_fields__") and not isinstance(obj, type):
            for name in obj.__dataclass_fields__: yield from held(getattr(obj, name), seen, depth + 1)

patterns = {}
for package in packages:
    pkg = importlib.import_module(package)
    names = [package] + [m.name for m in pkgutil.walk_packages(pkg.__path__, package + ".")]
    for name in names:
        if name.endswith("__main__") or name == "ingest.isolation":
            continue
        module = importlib.import_module(name)
        seen = set()
        for attr, value in vars(module).items():
            for p in held(value, seen):
                patterns.setdefault((p.pattern, p.flags), f"{name}.{attr}")
        source = Path(module.__file__).read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                    isinstance(node.func.value, ast.Name) and node.func.value.id == "re" and node.args and \
                    isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                try:
                    p = re.compile(node.args[0].value)
                except re.error:
                    continue
                patterns.setdefault((p.pattern, p.flags), f"{name}:{node.lineno}")

n = 3000
inputs = [
    "1" * n + "x", "1 " * (n // 2) + "x", "1." * (n // 2) + "x", "1年" * (n // 2) + "x", "１" * n + "ｘ",
    "、" * n + "x", "，" * n + "x", "。" * n, "(" * n + "x", "（" * n + "x", "“" * n, "《" * n + "x",
    "年" * n + "x", "一" * n, "行政" * (n // 2) + "1", "省市区县" * (n // 4) + "局", "政府信息公开" * (n // 6) + "x",
    "报告" * (n // 2), "第" * n + "1", " " * n + "x", "\t" * n + "x", "|" * n + "x", "\n" * n + "x",
    "1二" * (n // 2), "2023年" * (n // 5), "<div>" * (n // 5) + "x", "行政许可 " + "1" * n + "x",
    "一是" * (n // 2), "多少" * (n // 2) + "?", "%" * n + "1", "12,345," * (n // 7) + "x", "-" * n + "1",
    "增" * n + "1", "市统计局" * (n // 4), "以下简称" * (n // 4), "第二十条第（一）项" * (n // 9),
]
worst = []
for (pattern, flags), where in sorted(patterns.items(), key=lambda kv: kv[1]):
    compiled = re.compile(pattern, flags)
    print(json.dumps({"trying": where}), flush=True)
    for text in inputs:
        if isinstance(pattern, bytes):
            text = text.encode("utf-8")
        t0 = time.perf_counter()
        compiled.search(text)
        for i, _m in enumerate(compiled.finditer(text)):
            if i > 5000:
                break
        compiled.sub("", text)
        took = time.perf_counter() - t0
        if took > slow:
            worst.append([where, str(pattern[:120]), str(text[:20]), round(took, 2)])
print(json.dumps({"done": len(patterns), "slow": worst}), flush=True)
'''


def test_no_pattern_backtracks_on_hostile_text(tmp_path):
    proc = subprocess.Popen([sys.executable, "-c", _AUDIT, str(ROOT), ",".join(PACKAGES), str(SLOW_SECONDS)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        out, err = proc.communicate(timeout=240)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        last = [json.loads(line) for line in out.splitlines() if line.startswith("{")][-1:]
        raise AssertionError(f"a pattern did not finish: {last}") from None
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert lines and "done" in lines[-1], err[-3000:]
    result = lines[-1]
    assert result["done"] > 150  # the audit found the patterns (there are hundreds)
    assert result["slow"] == [], result["slow"]
