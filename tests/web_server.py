"""Starts `reportqa serve` in a subprocess for the web tests (one server per test session).

Import the fixture into a test module with ``from tests.web_server import web_server  # noqa: F401``.
``web_server_pair`` is a second server whose home is seeded with the bundled sample plus a generated
pair of years of one body (tests/generator.generate_year_pair), for the year-over-year comparison.
``web_server_real`` is seeded with the sample and a real published PDF (huaian-2024.pdf from
/work/shared/real-reports); its tests upload the two 洪泽区 PDFs through the page.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STARTUP_TIMEOUT = 240  # seeding the sample embeds it with the real model


@dataclass
class WebServer:
    url: str
    home: Path
    log: Path
    pair: tuple | None = None
    database_url: str | None = None  # the server's store is in PostgreSQL

    def cli(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "reportqa", "--home", str(self.home), *args], cwd=ROOT,
                              env=_env(self.home, self.database_url), capture_output=True, text=True, timeout=timeout)


def _env(home: Path, database_url: str | None = None) -> dict:
    env = {**os.environ, "REPORTQA_HOME": str(home), "PYTHONUNBUFFERED": "1", "NO_PROXY": "127.0.0.1,localhost"}
    env.pop("REPORTQA_TEST_CRASH_AT", None)
    if database_url:
        env["REPORTQA_DATABASE_URL"] = database_url
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(home: Path, seed: Path | None = None, database_url: str | None = None):
    port = free_port()
    log = home / "serve.log"
    cmd = [sys.executable, "-m", "reportqa", "--home", str(home), "serve", "--port", str(port)]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd + (["--seed", str(seed)] if seed else []),
                                cwd=ROOT, env=_env(home, database_url), stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + STARTUP_TIMEOUT
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(f"reportqa serve exited with {proc.returncode}:\n{log.read_text(errors='replace')[-4000:]}")
            try:
                with urllib.request.urlopen(url + "/gradio_api/info", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.time() > deadline:
                pytest.fail(f"reportqa serve did not answer within {STARTUP_TIMEOUT}s:\n{log.read_text(errors='replace')[-4000:]}")
            time.sleep(1)
        yield WebServer(url, home, log, database_url=database_url)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def web_server(tmp_path_factory, backend):
    """The web chat on the sample, on each backend (tests/conftest.py: backend)."""
    from tests.conftest import new_database
    url = new_database("web") if backend == "postgresql" else None
    yield from _serve(tmp_path_factory.mktemp("reportqa-web-home"), database_url=url)


PAIR_SEED, PAIR_BODY = 3, "青山市"


@pytest.fixture(scope="session")
def web_server_pair(tmp_path_factory):
    """A server seeded with the bundled sample and two years of PAIR_BODY; .pair = (prev, cur, truth)."""
    from tests.generator import generate_year_pair

    seed = tmp_path_factory.mktemp("reportqa-web-pair-seed")
    shutil.copy(ROOT / "data" / "suifenhe-2023.txt", seed)
    pair = generate_year_pair(PAIR_SEED, PAIR_BODY)
    pair[0].write(seed)
    pair[1].write(seed)
    for server in _serve(tmp_path_factory.mktemp("reportqa-web-pair-home"), seed):
        server.pair = pair
        yield server


REAL_REPORTS = ROOT.parent / "shared" / "real-reports"


@pytest.fixture(scope="session")
def web_server_real(tmp_path_factory):
    if not (REAL_REPORTS / "huaian-2024.pdf").exists():
        pytest.skip(f"needs the real report PDFs in {REAL_REPORTS}")
    seed = tmp_path_factory.mktemp("reportqa-web-real-seed")
    shutil.copy(ROOT / "data" / "suifenhe-2023.txt", seed)
    shutil.copy(REAL_REPORTS / "huaian-2024.pdf", seed)
    yield from _serve(tmp_path_factory.mktemp("reportqa-web-real-home"), seed)


CHROMIUM = Path("/usr/bin/chromium")
# Flags that let Debian's chromium run headless as root on a machine without network.
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = ROOT / "test-output" / "screenshots"


PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


@contextmanager
def browser_page(url: str, **context):
    """A real headless Chromium page on the app at url, ready for a question; dialogs are
    recorded in page.dialogs (a report's script must never open one). context: options of the
    browser context (PHONE for a 390×844 phone); 1440×1000 by default."""
    if not CHROMIUM.exists():
        pytest.skip("browser test needs Debian's chromium at /usr/bin/chromium (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        options = {"viewport": {"width": 1440, "height": 1000}, **context}
        pg = browser.new_context(locale="zh-CN", accept_downloads=True, **options).new_page()
        pg.dialogs = []
        pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
        pg.goto(url, timeout=120_000)
        pg.wait_for_selector("#rq-question textarea", timeout=120_000)
        yield pg
        browser.close()
