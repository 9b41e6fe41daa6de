"""The gradio API endpoint /ask returns the same object as `reportqa ask --json` (server in a subprocess)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.web_server import web_server  # noqa: E402,F401

pytestmark = pytest.mark.integration

QUESTIONS = [
    "绥芬河市2023年收到政府信息公开申请多少件？",
    "行政处罚决定有多少件？",
    "存在的主要问题是什么？",
    "北京市2019年行政复议案件有多少件？",
]
KEYS = {"question", "route", "answer", "value", "unit", "reports", "citations", "notes"}


@pytest.fixture(scope="module")
def client(web_server):  # noqa: F811
    from gradio_client import Client
    return Client(web_server.url, verbose=False)


def _without_scores(d: dict) -> dict:
    return {**d, "citations": [{k: v for k, v in c.items() if k != "score"} for c in d["citations"]]}


def test_api_is_listed(client):
    api = client.view_api(print_info=False, return_format="dict")
    assert "/ask" in api["named_endpoints"]
    params = api["named_endpoints"]["/ask"]["parameters"]
    assert [p["parameter_name"] for p in params] == ["question", "history"]
    assert params[1]["parameter_has_default"] and params[1]["parameter_default"] is None
    assert set(api["named_endpoints"]) == {"/ask"}  # UI events are not part of the API


@pytest.mark.parametrize("question", QUESTIONS)
def test_api_matches_cli(client, web_server, question):  # noqa: F811
    got = client.predict(question, api_name="/ask")
    assert isinstance(got, dict) and set(got) == KEYS
    cli = web_server.cli("ask", "--json", question)
    assert cli.returncode == 0, cli.stderr[-2000:]
    expected = json.loads(cli.stdout.strip().splitlines()[-1])
    assert _without_scores(got) == _without_scores(expected)
    for a, b in zip(got["citations"], expected["citations"]):
        assert (a["score"] is None) == (b["score"] is None)
        if a["score"] is not None:
            assert a["score"] == pytest.approx(b["score"], abs=1e-4)
    texts = {}
    for c in got["citations"]:
        if c["report_id"] not in texts:
            shown = web_server.cli("show", c["report_id"])
            assert shown.returncode == 0, shown.stderr
            texts[c["report_id"]] = shown.stdout
        assert c["quote"] == texts[c["report_id"]][c["start"]:c["end"]]
    if question.startswith("绥芬河市2023年收到"):
        assert got["route"] == "table" and got["value"] == 30 and got["unit"] == "件"
        assert got["citations"][0]["cell"]["column_key"] == "总计"
    if question.startswith("北京市"):
        assert got["route"] == "none" and not got["citations"]


def test_api_history_is_the_conversation(client):
    """history: the earlier questions, oldest first; a follow-up is read in their context."""
    first, follow_up = "上海市2023年收到政府信息公开申请多少件？", "那绥芬河市呢？"
    with_history = client.predict(follow_up, [first], api_name="/ask")
    alone = client.predict(follow_up, api_name="/ask")
    assert with_history["route"] == "table" and with_history["value"] == 30, with_history
    assert alone["route"] == "none", alone
    assert client.predict(follow_up, [], api_name="/ask") == alone  # no history = a first question
