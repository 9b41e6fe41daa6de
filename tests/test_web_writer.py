"""The 由模型撰写回答 switch in a real headless Chromium: `reportqa serve` started with REPORTQA_LLM_URL
pointing at a scripted OpenAI-compatible endpoint (tests/writer_endpoint.py). A draft that passes the
guard replaces the answer in the chat; one that fails never appears, the extractive answer does, with
the note. Without an endpoint the page has no switch (tests/test_web.py's server)."""
from __future__ import annotations

import os
import urllib.request

import pytest

from tests.web_server import _serve, browser_page, web_server  # noqa: F401
from tests.test_web import ask
from tests.writer_endpoint import ScriptedEndpoint

pytestmark = [pytest.mark.browser, pytest.mark.integration]
QUESTION = "绥芬河市2023年收到多少政府信息公开申请？"


@pytest.fixture(scope="module")
def endpoint():
    server = ScriptedEndpoint()
    yield server
    server.shutdown()


@pytest.fixture(scope="module")
def writer_server(tmp_path_factory, endpoint):
    before = os.environ.get("REPORTQA_LLM_URL")
    os.environ["REPORTQA_LLM_URL"] = endpoint.url("sse")  # the server's environment is copied at its start
    servers = _serve(tmp_path_factory.mktemp("reportqa-web-writer-home"))
    try:
        server = next(servers)
    finally:
        os.environ.pop("REPORTQA_LLM_URL")
        if before is not None:
            os.environ["REPORTQA_LLM_URL"] = before
    yield server
    servers.close()


def _page_config(url: str) -> str:
    with urllib.request.urlopen(url + "/config", timeout=30) as r:
        return r.read().decode("utf-8")


def test_the_switch_shows_a_checked_draft_and_hides_a_failed_one(writer_server, endpoint):
    assert "rq-write" in _page_config(writer_server.url)
    with browser_page(writer_server.url) as page:
        _ask_with_the_switch(page, endpoint)


def _ask_with_the_switch(page, endpoint) -> None:
    page.locator("#rq-write input").check()
    endpoint.draft = "绥芬河市2023年新收政府信息公开申请共30件。[1]"
    text = ask(page, QUESTION)
    assert "共30件" in text and "由模型依据所引原文撰写" in text, text
    endpoint.draft = "绥芬河市2023年新收政府信息公开申请共31件。[1]"
    text = ask(page, QUESTION)
    assert "31件" not in text and "30件" in text and "未通过核对（数字核对）" in text, text
    page.locator("#rq-write input").uncheck()
    before = len(endpoint.requests)
    text = ask(page, QUESTION)
    assert len(endpoint.requests) == before and "撰写" not in text  # off: the model is not asked


@pytest.mark.skipif(bool(os.environ.get("REPORTQA_LLM_URL")), reason="this shell configures an endpoint")
def test_no_switch_without_an_endpoint(web_server):  # noqa: F811
    assert "rq-question" in _page_config(web_server.url) and "rq-write" not in _page_config(web_server.url)
