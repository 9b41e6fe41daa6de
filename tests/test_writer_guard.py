"""The writer's guard and its fallbacks, without a model: drafts built to fail (a changed digit, 万元↔元,
a dropped 余, a missing [n], [n] out of range, another body, another year, an uncited sentence) are
each rejected and a faithful one accepted — all fed through the same code path as a real model's
(write.py → the real HTTP client → a scripted OpenAI-compatible endpoint on 127.0.0.1). The endpoint
down, slow, trickling, returning garbage or HTTP 500 gives the extractive answer and a note within
the timeout. With the writer off, answers are byte for byte the router's."""
from __future__ import annotations

import time

import pytest

from reportqa.config import WriterSettings
from reportqa.types import Answer, CellRef, Citation
from retrieval.answer import answer_to_dict
from retrieval.writer import check_draft, written_answer
from retrieval.writer.numbers import mentions
from tests.writer_endpoint import ScriptedEndpoint, closed_port_url

KNOWN = ("绥芬河市", "青山市", "白河区人民政府", "江宁县自然资源局", "上海市黄浦区")
QUOTE_MEDIA = "加强政务新媒体矩阵建设，我市现有政务新媒体22个，全年发布信息7000余条。"


def _cite(quote: str, section: str = "一、总体情况", cell: CellRef | None = None, body: str = "绥芬河市",
          year: int = 2023) -> Citation:
    return Citation(f"{body}-{year}", f"{body}{year}年政府信息公开工作年度报告", body, year, section, 0, len(quote),
                    quote, cell)


FEE = Answer("绥芬河市2023年行政事业性收费金额是多少？", "table", "绥芬河市2023年行政事业性收费金额为 1856.554万元。[1]",
             1856.554, "万元", ["绥芬河市-2023"],
             [_cite("行政事业性收费\t1856.554", "二、主动公开政府信息情况",
                    CellRef("20.8", "行政事业性收费", "本年收费金额（单位：万元）"))])
MEDIA = Answer("绥芬河市政务新媒体有多少个？", "table", "绥芬河市2023年报告写明：「我市现有政务新媒体22个」，即 22个。[1]",
               22, "个", ["绥芬河市-2023"], [_cite(QUOTE_MEDIA)])
REFUSAL = Answer("北京市2023年收到多少申请？", "none", "资料库中没有「北京市」的报告，无法回答。现有报告：绥芬河市2023年报告。")

GOOD_FEE = "2023年，绥芬河市的行政事业性收费金额为1856.554万元。[1]"
GOOD_MEDIA = "绥芬河市现有政务新媒体22个。[1] 这些账号全年发布信息7000余条。[1]"
BAD = {  # draft → the check it must fail
    "绥芬河市2023年行政事业性收费金额为1856.564万元。[1]": "numbers",  # a changed digit
    "绥芬河市2023年行政事业性收费金额为1856.554元。[1]": "numbers",  # 万元 → 元
    "绥芬河市2023年行政事业性收费金额为1856.554 元。[1]": "numbers",  # 万元 → 元, spaced
    "绥芬河市现有政务新媒体22个，全年发布信息7000条。[1]": "numbers",  # 余 dropped
    "绥芬河市现有政务新媒体约22个。[1]": "numbers",  # 约 added
    "绥芬河市现有政务新媒体二十三个。[1]": "numbers",  # a changed number in characters
    "绥芬河市2023年行政事业性收费金额为1856.554万元。": "citations",  # no [n]
    "绥芬河市2023年行政事业性收费金额为1856.554万元。[2]": "citations",  # [n] out of range
    "青山市2023年行政事业性收费金额为1856.554万元。[1]": "bodies",  # another body of the collection
    "北京市2023年行政事业性收费金额为1856.554万元。[1]": "bodies",  # a body not in the collection
    "绥芬河市2022年行政事业性收费金额为1856.554万元。[1]": "years",  # another year
    "绥芬河市2023年行政事业性收费金额为1856.554万元。[1]\n这一数字比上年明显增加。": "citations",  # an uncited claim
    "": "empty",
}


def test_numbers_are_read_with_units_and_approximation():
    from app.writer_eval import unsupported_numbers  # the eval's own reading agrees on the hard cases
    assert unsupported_numbers(FEE.__class__(FEE.question, "table", "收费为1856.554 元。[1]"), FEE) == ["1856.554元"]
    got = [(str(m.value), m.unit, m.approximate) for m in mentions("收费１,856.554万元，发布7000 余条，约3000人次，七件[1]")]
    assert got == [("1856.554", "万元", False), ("7000", "条", True), ("3000", "人次", True), ("7", "件", False)]


@pytest.mark.parametrize("draft, answer", [(GOOD_FEE, FEE), (GOOD_MEDIA, MEDIA)])
def test_a_faithful_draft_passes(draft, answer):
    result = check_draft(draft, answer, KNOWN)
    assert result.passed, result.reasons()


@pytest.mark.parametrize("draft, check", list(BAD.items()))
def test_a_draft_built_to_fail_is_rejected(draft, check):
    answer = MEDIA if "新媒体" in draft else FEE
    result = check_draft(draft, answer, KNOWN)
    assert not result.passed and check in {c.name for c in result.failed}, result.reasons()


@pytest.fixture(scope="module")
def endpoint():
    server = ScriptedEndpoint()
    yield server
    server.shutdown()


def _settings(url: str, timeout: float = 5.0, key: str | None = None) -> WriterSettings:
    return WriterSettings(url=url, model="scripted", api_key=key, timeout=timeout)


def test_a_passing_draft_replaces_the_text_and_keeps_the_citations(endpoint):
    endpoint.draft = GOOD_FEE
    outcome = written_answer(FEE, _settings(endpoint.url("sse"), key="secret-key"), KNOWN)
    assert outcome.status == "passed", outcome.guard.reasons()
    shown = outcome.answer
    assert shown.answer == GOOD_FEE and shown.citations == FEE.citations and shown.value == FEE.value
    assert any("模型" in n for n in shown.notes)
    sent = endpoint.requests[-1]
    assert sent["auth"] == "Bearer secret-key" and sent["body"]["stream"] is True
    assert "1856.554万元" in sent["body"]["messages"][-1]["content"]  # the figures and quotes are in the prompt


@pytest.mark.parametrize("mode", ["sse", "json"])
@pytest.mark.parametrize("draft, check", [d for d in BAD.items() if d[1] != "empty"][:6])
def test_a_failing_draft_is_never_shown(endpoint, mode, draft, check):
    endpoint.draft = draft
    answer = MEDIA if "新媒体" in draft else FEE
    outcome = written_answer(answer, _settings(endpoint.url(mode)), KNOWN)
    assert outcome.status == "failed" and outcome.answer.answer == answer.answer
    assert draft not in outcome.answer.answer
    assert outcome.answer.notes[-1].startswith("生成的书面回答未通过核对（") and outcome.guard.failed_labels in outcome.answer.notes[-1]


@pytest.mark.parametrize("mode, kind", [("http500", "http"), ("garbage", "garbage"), ("html", "garbage"),
                                        ("slow", "timeout"), ("trickle", "timeout"), ("down", "unreachable")])
def test_a_broken_endpoint_gives_the_extractive_answer_within_the_timeout(endpoint, mode, kind):
    endpoint.draft = GOOD_FEE
    url = closed_port_url() if mode == "down" else endpoint.url(mode)
    t0 = time.monotonic()
    outcome = written_answer(FEE, _settings(url, timeout=1.5), KNOWN)
    assert time.monotonic() - t0 < 2.5
    assert outcome.status == "error" and outcome.failure == kind
    assert outcome.answer.answer == FEE.answer and outcome.answer.citations == FEE.citations
    assert outcome.answer.notes[-1].startswith("模型未能撰写回答（")


def test_an_empty_draft_is_a_failure(endpoint):
    endpoint.draft = ""
    outcome = written_answer(FEE, _settings(endpoint.url("sse")), KNOWN)
    assert outcome.status == "error" and outcome.answer.answer == FEE.answer


def test_refusals_and_the_writer_off_leave_the_answer_untouched(endpoint):
    endpoint.draft, before = GOOD_FEE, len(endpoint.requests)
    refused = written_answer(REFUSAL, _settings(endpoint.url("sse")), KNOWN)
    assert refused.status == "refusal" and refused.answer is REFUSAL
    assert len(endpoint.requests) == before  # the model is not even asked
    for settings in (None, WriterSettings()):
        assert written_answer(FEE, settings).answer is FEE


def test_the_key_is_never_in_the_settings_repr():
    assert "secret" not in repr(_settings("http://127.0.0.1:1/v1", key="secret-key"))


def test_writer_off_answers_are_byte_for_byte_the_routers(collection):
    """Real router answers on the sample collection: the writer off gives exactly answer_to_dict as before."""
    from retrieval.pipeline import QuestionAnswerer
    stores, _generated = collection
    qa = QuestionAnswerer(stores)
    for question in ("绥芬河市2023年收到多少政府信息公开申请？", "绥芬河市政府信息公开工作存在的主要问题是什么？",
                     "北京市2023年收到多少申请？"):
        plain = answer_to_dict(qa.ask(question))
        assert answer_to_dict(written_answer(qa.ask(question), WriterSettings()).answer) == plain


@pytest.mark.parametrize("backend", ["embedded"], scope="session")
def test_the_web_chat_shows_only_checked_text(collection, endpoint):
    """The chat's writer step (app/web/chat.py): while the model writes, only a character count is on
    view; a draft that passed is revealed, one that failed never appears. No switch without an endpoint."""
    from app.web.chat import ChatTab
    from retrieval.collection import Collection
    from retrieval.pipeline import QuestionAnswerer
    stores, _generated = collection
    qa = QuestionAnswerer(stores)
    assert ChatTab(Collection(stores), qa, None).writer is None
    tab = ChatTab(Collection(stores), qa, None, writer=_settings(endpoint.url("sse")))
    answer = qa.ask("绥芬河市2023年收到多少政府信息公开申请？")
    for draft, passes in (("绥芬河市2023年收到政府信息公开申请30件。[1]", True),
                          ("绥芬河市2023年收到政府信息公开申请31件。[1]", False)):
        endpoint.draft = draft
        chat = [{"role": "user", "content": answer.question}, {"role": "assistant", "content": ""}]
        steps = tab.written(answer, chat, 1)
        bubbles = []
        try:
            while True:
                bubbles.append(next(steps)[1][-1]["content"])
        except StopIteration as done:
            shown = done.value
        assert not any("31件" in b for b in bubbles)
        assert (shown.answer == draft) is passes and (shown.answer == answer.answer) is not passes
