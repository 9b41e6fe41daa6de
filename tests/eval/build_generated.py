"""Write a few generated reports and evaluation questions whose answers come from the generator's truth.

    python tests/eval/build_generated.py OUT_DIR [QUESTIONS.jsonl]

writes the reports into OUT_DIR and the questions (default OUT_DIR/generated_questions.jsonl).
Every question names its body, so picking the right report out of the collection matters; the
wordings paraphrase the table labels and the narrative sentences instead of copying them.
"""
from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.generator import generate_report  # noqa: E402

# (seed, format, body, year): distinct bodies and places, tab layout, one report in the 2019 format
REPORTS = [
    (201, "2021", "松河市", 2023),
    (202, "2021", "临泉县人民政府", 2022),
    (203, "2021", "白沙区教育局", 2021),
    (204, "2019", "青阳县自然资源局", 2020),
]

A = "applications"
# cell questions: (key or group rows, formats, wordings); {b} = body, {y} = year
CELLS = [
    ((A, "本年新收", "总计"), "*", ["{b}{y}年一共收到多少件政府信息公开申请？", "{b}全年新收到的信息公开申请有多少？"]),
    ((A, "予以公开", "总计"), "*", ["{b}有多少件申请被同意公开？", "{b}予以公开的申请是几件？"]),
    ((A, "部分公开", "总计"), "*", ["{b}部分公开的申请数量是多少？"]),
    ((A, "无法提供.本机关不掌握相关政府信息", "总计"), "*", ["{b}因为本机关不掌握相关信息而没能提供的申请有多少件？"]),
    ((A, "不予公开.*", "总计"), "*", ["{b}{y}年共有多少件申请不予公开？"]),
    ((A, "无法提供.*", "总计"), "*", ["{b}无法提供信息的申请一共多少件？"]),
    ((A, "办理结果总计", "总计"), "*", ["{b}本年度办理结果总计多少件？"]),
    ((A, "结转下年度", "总计"), "*", ["{b}有多少件申请要结转到下一年继续办理？", "{b}转下年办理的申请有几件？"]),
    ((A, "本年新收", "自然人"), "*", ["{b}收到的申请里有多少件是个人提出的？", "{b}收到自然人的申请多少件？"]),
    ((A, "本年新收", "商业企业"), "*", ["{b}收到企业提出的政府信息公开申请多少件？"]),
    (("review_litigation", "复议诉讼", "行政复议.总计"), "*", ["{b}因政府信息公开被申请行政复议多少件？"]),
    (("review_litigation", "复议诉讼", "行政诉讼.*.总计"), "*", ["{b}因信息公开被提起行政诉讼一共多少件？"]),
    (("20.1", "规范性文件", "本年制发件数"), "2021", ["{b}{y}年新制发了几件规范性文件？"]),
    (("20.1", "规范性文件", "本年废止件数"), "2021", ["{b}废止了多少件规范性文件？"]),
    (("20.1", "规范性文件", "现行有效件数"), "2021", ["{b}现行有效的规范性文件有多少件？"]),
    (("20.1", "规范性文件", "本年新制作数量"), "2019", ["{b}本年新制作了多少件规范性文件？"]),
    (("20.5", "行政许可", "本年处理决定数量"), "2021", ["{b}作出了多少件行政许可决定？"]),
    (("20.5", "行政许可", "处理决定数量"), "2019", ["{b}行政许可的处理决定数量是多少？"]),
    (("20.6", "行政处罚", "本年处理决定数量"), "2021", ["{b}{y}年作出了多少件行政处罚决定？"]),
    (("20.6", "行政处罚", "处理决定数量"), "2019", ["{b}行政处罚处理决定有多少件？"]),
    (("20.6", "行政强制", "本年处理决定数量"), "2021", ["{b}行政强制决定有多少件？"]),
    (("20.8", "行政事业性收费", "本年收费金额"), "2021", ["{b}行政事业性收费金额是多少万元？", "{b}全年收费多少？"]),
    (("20.9", "政府集中采购", "采购总金额"), "2019", ["{b}政府集中采购总金额是多少？"]),
]

# narrative numbers, by the generator's sentence key
NUMBERS = {
    "num.web": "{b}在政府门户网站上公开了多少条信息？",
    "num.newmedia_posts": "{b}的政务新媒体全年发了多少条信息？",
    "num.interpret": "{b}发布了多少篇政策解读材料？",
    "num.interpret_img": "{b}用图片方式解读了多少个政策？",
    "num.budget": "{b}公开的预决算和三公经费信息有多少条？",
    "num.services": "{b}全年办理服务事项多少件？",
    "num.online_items": "{b}有多少项政务服务事项能全程在线办理？",
    "num.personnel": "{b}发布了多少条人事任免信息？",
    "num.procurement": "{b}公开了多少条政府采购信息？",
    "num.catalog": "{b}更新了多少项主动公开基本目录事项？",
    "num.newmedia_count": "{b}目前有多少个政务新媒体？",
    "num.visits": "{b}政府网站一年的访问量有多少万人次？",
    "num.training": "{b}组织了几期政务公开业务培训？",
    "num.trainees": "{b}培训了多少人次业务骨干？",
    "num.selfcheck": "{b}开展了几次政务公开专项检查？",
    "num.weight": "{b}政务公开在绩效考核中占比是多少？",
    "fee": "{b}收取了多少元信息处理费？",
}

# topical sentences: paraphrased question and a phrase the cited passage must quote
TOPICS = {
    "乡村振兴": ("{b}有没有公开驻村帮扶方面的信息？", "驻村帮扶"),
    "营商环境": ("{b}公开了哪些惠企补贴方面的信息？", "营商环境"),
    "安全生产": ("{b}在安全生产隐患方面公开了什么？", "安全生产隐患排查整治"),
    "食品安全": ("{b}有没有公布食品抽检的结果？", "食品安全监督抽检"),
    "河湖长制": ("{b}是否公开了河湖长制相关信息？", "河湖长名单"),
    "防汛抗旱": ("{b}汛期发布了哪些预警信息？", "防汛预警"),
    "秸秆禁烧": ("{b}在秸秆焚烧管控方面发布了什么？", "秸秆禁烧"),
    "老旧小区改造": ("{b}公开了老旧小区改造的哪些内容？", "老旧小区改造项目清单"),
    "稳岗就业": ("{b}在促进就业方面公开了哪些信息？", "稳岗就业"),
    "医保政策": ("{b}如何向群众解答医保政策？", "医保政策问答"),
    "义务教育招生": ("{b}有没有公开孩子上学的学区划分？", "学区划分"),
    "生态环境": ("{b}公开了哪些环境监测方面的信息？", "环境质量监测信息"),
    "不动产登记": ("{b}在不动产登记方面公开了什么？", "不动产登记办事指南"),
    "征地补偿": ("{b}公开征地补偿安置方案了吗？", "征地补偿安置方案"),
    "社会救助": ("{b}如何公开低保资金的发放情况？", "城乡低保"),
    "减税降费": ("{b}有没有开设减税降费的专题？", "减税降费"),
    "文明城市": ("{b}在创建文明城市方面公开了什么？", "全国文明城市创建"),
    "消费券": ("{b}公开消费券的发放情况了吗？", "消费券发放规则"),
    "建议提案": ("{b}是否公开人大建议和政协提案的答复？", "政协委员提案办理复文"),
    "林长制": ("{b}林长制落实情况是怎样公开的？", "林长公示牌"),
    "人居环境": ("{b}公开了农村人居环境整治的哪些情况？", "农村人居环境整治项目"),
    "明厨亮灶": ("{b}学校食堂明厨亮灶建设情况公开了吗？", "明厨亮灶"),
    "政府开放日": ("{b}有没有组织群众走进机关的活动？", "政府开放日"),
    "便民热线": ("{b}通过12345热线受理群众诉求的情况如何？", "12345政务服务便民热线"),
    "好差评": ("{b}如何收集群众对办事服务的评价？", "好差评"),
    "政策直达": ("{b}怎样让惠企政策直达企业？", "政策直达"),
    "电子证照": ("{b}在电子证照应用方面做了什么？", "电子证照"),
    "网络问政": ("{b}怎样回复网民的留言？", "网络问政"),
    "在线访谈": ("{b}部门负责人有没有参加在线访谈解读政策？", "在线访谈"),
    "查阅点": ("{b}在哪里设立了政府信息公开查阅点？", "政府信息公开查阅点"),
    "公共企事业单位": ("{b}如何推动供水供电等单位公开信息？", "公共企事业单位"),
    "基层标准化": ("{b}基层政务公开标准化规范化进展如何？", "基层政务公开标准化规范化"),
    "第三方评估": ("{b}有没有请第三方机构评估政务公开？", "委托第三方机构开展政务公开评估"),
    "领导解读": ("{b}主要负责同志是否带头解读政策？", "主要负责同志带头解读政策"),
    "档案移交": ("{b}政府信息档案的整理移交情况如何？", "档案整理移交"),
    "公文清理": ("{b}是否复核了历史公文的公开属性？", "历史公文公开属性复核"),
}


def _value(cells: dict, key: tuple[str, str, str]) -> Decimal | None:
    table, row, col = key
    if "*" not in row and "*" not in col:
        return cells.get(key)
    rp, cp = row.split("*")[0], col.split("*")
    parts = [v for (t, r, c), v in cells.items()
             if t == table and (r.startswith(rp) if "*" in row else r == row)
             and (c.startswith(cp[0]) and c.endswith(cp[-1]) if "*" in col else c == col)]
    return sum((v for v in parts if v is not None), Decimal(0)) if parts else None


def questions_for(r, index: int) -> list[dict]:
    b, y = r.body, r.year
    out = []
    for key, fmts, wordings in CELLS:
        if fmts != "*" and fmts != r.format_version:
            continue
        value = _value(r.cells, key)
        if value is None:
            continue
        out.append({"question": wordings[index % len(wordings)].format(b=b, y=y), "kind": "numeric",
                    "answer": value, "source": f"{b}-{y} {'/'.join(key)}"})
    for skey, template in NUMBERS.items():
        sentence = r.sentences.get(skey)
        found = [(p, v) for p, v, _u in r.narrative_numbers if sentence and p and p in sentence]
        if len(found) == 1:
            out.append({"question": template.format(b=b, y=y), "kind": "numeric", "answer": found[0][1],
                        "source": f"{b}-{y} {skey}: {found[0][0]}"})
    for skey in r.sentences:
        if skey.startswith("topic.") and skey[6:] in TOPICS:
            question, phrase = TOPICS[skey[6:]]
            out.append({"question": question.format(b=b, y=y), "kind": "narrative", "answer": phrase,
                        "source": f"{b}-{y} {skey}"})
    other = y - 3
    out.append({"question": f"{b}{other}年收到多少件政府信息公开申请？", "kind": "unanswerable",
                "answer": "UNANSWERABLE", "source": f"no {other} report of {b}"})
    return out


def build(out_dir: Path | str, questions_path: Path | str | None = None) -> Path:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    questions = []
    for i, (seed, fmt, body, year) in enumerate(REPORTS):
        r = generate_report(seed, format_version=fmt, layout="tab", body=body, year=year)
        r.write(out_dir / r.suggested_filename())
        questions += questions_for(r, i)
    path = Path(questions_path) if questions_path else out_dir / "generated_questions.jsonl"
    with path.open("w", encoding="utf-8") as f:
        for q in questions:
            line = json.dumps({**q, "answer": "@@"}, ensure_ascii=False)
            answer = q["answer"]
            f.write(line.replace('"@@"', str(answer) if isinstance(answer, Decimal) else json.dumps(answer, ensure_ascii=False)) + "\n")
    return path


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    print(build(*sys.argv[1:]))
