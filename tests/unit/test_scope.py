"""Which reports a question names (retrieval/scope.py), on stored bodies as real reports name
themselves and questions as people write them. Pure: no model, no store."""
from __future__ import annotations

import pytest

from ingest.metadata import split_body
from reportqa.types import StoredReport
from retrieval.scope import resolve_scope


def _report(body: str, year: int) -> StoredReport:
    place, body_type = split_body(body)
    return StoredReport(f"{body}-{year}", "v", body, year, None, None, "2021", "", "txt", 0, 0, 0, place, body_type)


REPORTS = [_report(b, y) for b, y in [
    ("宝鸡市渭滨区统计局", 2022), ("宝鸡市金台区统计局", 2022), ("深圳市市场监督管理局龙华监管局", 2023),
    ("武汉市东湖生态旅游风景区管理委员会卫生健康办公室", 2022), ("黑龙江省市场监督管理局", 2022),
    ("广州市黄埔区人民政府", 2023), ("广州市花都区人民政府办公室", 2023), ("广州市花都区人民政府", 2023),
    ("上海市", 2022), ("上海市", 2023), ("上海市黄浦区人民政府", 2022), ("广州市番禺区统计局", 2022),
    ("区统计局", 2021), ("商务局", 2022), ("保税区", 2021), ("官洲街道办事处", 2023), ("安岳县周礼镇", 2022), ("安岳县周礼镇人民政府", 2021), ("绥芬河市", 2023),
]]


@pytest.mark.parametrize("question, expected", [
    ("渭滨区统计局2022年收到多少申请？", ["宝鸡市渭滨区统计局-2022"]),
    ("龙华监管局2023年主动公开多少条", ["深圳市市场监督管理局龙华监管局-2023"]),
    ("东湖风景区卫健办2022年的申请数", ["武汉市东湖生态旅游风景区管理委员会卫生健康办公室-2022"]),
    ("黑龙江省市场监管局2022年行政复议多少件", ["黑龙江省市场监督管理局-2022"]),
    ("黄埔区2023年收到多少申请", ["广州市黄埔区人民政府-2023"]),
    ("花都区政府办2023年收到多少申请", ["广州市花都区人民政府办公室-2023"]),
    ("花都区2023年收到多少申请", ["广州市花都区人民政府-2023"]),
    ("上海市2022年因政府信息公开被申请行政复议多少件？", ["上海市-2022"]),  # the city, not 黄浦区
    ("上海市政府2022年收到多少申请", ["上海市-2022"]),
    ("番禺区统计局2022年收到多少申请", ["广州市番禺区统计局-2022"]),
    ("海珠区官洲街道2023年行政处罚本年处理决定数量是多少？", ["官洲街道办事处-2023"]),  # stored without its district
    ("上海市2023年年报说新增市政府规章18件，那上一年（2022年）年报里主动公开了多少件市政府规章？", ["上海市-2022"]),
    ("安岳县周礼镇2022年年报说全年主动公开政府信息28条，那上一年（2021年）年报里主动公开了多少条？", ["安岳县周礼镇人民政府-2021"]),
])
def test_named_bodies_found(question, expected):
    scope = resolve_scope(question, REPORTS)
    assert scope.missing is None and scope.report_ids == expected


@pytest.mark.parametrize("question", [
    "龙岗监管局2023年收到多少申请",  # a sibling unit of a stored one
    "北京市2023年收到多少申请",
    "上海市统计局2022年收到多少申请",  # a department of a stored city
    "深圳市卫健委2023年收到多少申请",
    "广州市海珠区统计局2021年收到多少申请",  # only a 区统计局 that never says which district
    "渭滨区统计局2023年收到多少申请",  # the body, but not that year
    "三亚市商务局2022年主动公开信息多少条？",  # only a 商务局 that never says where: could be any of thousands
    "张家港保税区2021年收到多少申请",  # only a 保税区 that never says which
])
def test_unknown_bodies_are_not_in_the_collection(question):
    scope = resolve_scope(question, REPORTS)
    assert scope.report_ids == [] and scope.missing


def test_no_body_named_uses_all_of_the_year():
    scope = resolve_scope("2023年收到多少申请", REPORTS)
    assert scope.missing is None and len(scope.report_ids) == sum(r.year == 2023 for r in REPORTS)
