#!/usr/bin/env bash
# Install reportqa into ./.venv. torch is pinned to the CPU build first and constrained for
# everything after it (an unpinned torch would pull gigabytes of CUDA).
# Usage: scripts/install.sh [--test]   (--test adds pytest, playwright, Debian's chromium, tesseract OCR,
#        and llama.cpp's server with a small model for the LLM writer's tests)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
. .venv/bin/activate
python -m pip install -q --upgrade pip
python -m pip install -q torch==2.13.0
if [ "${1:-}" = "--test" ]; then
  # llm-test: llama.cpp's server (an sdist compiled once, ~12 min on 2 cores) and a small GGUF model,
  # for the writer's tests (scripts/llm.sh); compiled here, at install, not during the tests
  python -m pip install -q -c constraints.txt -e ".[test,bench,llm-test]"
  if { [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "noto.*cjk" \
       || ! command -v tesseract >/dev/null || [ -z "$(ls /usr/share/tesseract-ocr/*/tessdata/chi_sim.traineddata 2>/dev/null)" ]; } \
     && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk \
       tesseract-ocr tesseract-ocr-chi-sim >/dev/null) \
      || echo "could not install chromium / tesseract: the browser and OCR tests will be skipped" >&2
  fi
else
  python -m pip install -q -c constraints.txt -e .
fi
