"""OCR cell accuracy: generated reports rendered to an image-only ("scanned") PDF, read back through
the normal ingest (pdf reader → Tesseract OCR → table extractor), every table cell compared with the
generator's truth. A cell counts as right only when its value is exactly the true value (a cell
the extractor did not find counts as wrong).

    python bench/bench_ocr.py [--n 6] [--seed 300] [--dpi 300] [--show 10]

Needs `tesseract-ocr` and `tesseract-ocr-chi-sim` (scripts/install.sh --test installs them).
The rendering (tests/renderers.py: reportlab, STSong-Light, ruled tables with merged cells,
tables set at 7.5 pt) is rasterised at --dpi in greyscale, like a clean office scan.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=6)
    ap.add_argument("--seed", type=int, default=300)
    ap.add_argument("--dpi", type=int, default=300)
    ap.add_argument("--show", type=int, default=10, help="print this many wrong cells")
    args = ap.parse_args()

    from ingest.pipeline import parse_report
    from ingest.readers.ocr import ocr_status
    from tests.generator import generate_report
    from tests.renderers import cell_accuracy, render_scanned_pdf

    if ocr_status():
        sys.exit(f"OCR is not available: {ocr_status()}")
    right = total = 0
    wrong_all = []
    seconds = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.n):
            fmt = "2021" if i % 3 else "2019"
            layout = "merged" if i % 2 else "tab"
            g = generate_report(args.seed + i, format_version=fmt, layout=layout)
            path = render_scanned_pdf(g.text, Path(tmp) / f"scan{i}.pdf", dpi=args.dpi)
            t = time.perf_counter()
            report = parse_report(path)
            seconds += time.perf_counter() - t
            ok, n, wrong = cell_accuracy(g.cells, report.facts)
            right, total = right + ok, total + n
            wrong_all += [(g.body, *w) for w in wrong]
            pages = max(s.page for s in report.pages)
            print(f"{g.body}{g.year} ({fmt}, {layout}, {pages} pages): {ok}/{n} cells = {ok / n:.3f}  "
                  f"findings={len(report.findings)}  {time.perf_counter() - t:.1f} s")
    print(f"\nOCR cell accuracy: {right}/{total} = {right / total:.3f} over {args.n} reports at {args.dpi} dpi "
          f"({seconds:.0f} s reading)")
    for body, key, truth, got in wrong_all[: args.show]:
        print(f"  {body} {key}: true {truth}, read {got}")


if __name__ == "__main__":
    main()
