"""Benchmark duplicate grouping (xuncha.core.dedup) on generated reports with known duplicates.

Run from the repository root: ``python bench/dedup.py [--sizes 100000,1000000]``.

The generator writes realistic Chinese reports (60-300 characters) from templates and vocabularies:
an opening by the reporter naming a subject (unit, post, name), two to four sentences about one of
two dozen matters with their details (years, amounts, companies, relatives, places), perhaps a
remark, and a closing request. About 10% of reports are near-duplicates of an earlier original (the
same matter reported again by someone else: another opening and closing, synonym swaps, sentences
reordered, clauses inserted or deleted, punctuation and width changed, sometimes in traditional
characters) and about 3% are exact repeats (verbatim, or with only punctuation, spacing or width
changed). Text ``i`` is a pure function of ``(seed, i)``, so nothing is materialised: a duplicate
regenerates its source, and the benchmark streams.

Each size runs in its own subprocess (so ``ru_maxrss`` is that run's peak) with the SQLite store on
disk in a temporary directory: ``group_all`` over ``n`` reports, then 1,000 more added one at a time
with ``add`` (p50/p99 latency). Accuracy is measured two ways against the known duplicates:
links (each report's returned match is right when it belongs to the same true matter; recall = share
of duplicates that got a right match) and pairs (pair-counting precision/recall of the final groups
against the true groups). Baselines in the same run: datasketch's in-memory ``MinHashLSH`` (same
32x4 banding and verification) at the first size, and exact brute-force Jaccard (scipy sparse,
all pairs) on a 5,000-report sample, which also tells how much recall the LSH step itself loses.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from xuncha.core.dedup import (  # noqa: E402
    DEFAULT_THRESHOLD,
    DuplicateIndex,
    SQLiteBandStore,
    candidate_probability,
    normalize_many,
    shingles,
)

SEED = 20240925
NEAR_SHARE = 0.10
EXACT_SHARE = 0.03
WINDOW = 50_000  # a duplicate repeats a matter from among the previous WINDOW reports
SINGLE_ADDS = 1000

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
            "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红文斌辉玲萍鹏宇浩凯俊晓东海"
         "波亮峰飞云林春燕雪梅琳丹婷雯颖慧晨阳欣怡轩博远嘉宁振永康德立新卫忠诚荣昌盛鑫磊鸿涵")
UNITS = ("机电工程学院", "计量测试工程学院", "信息工程学院", "经济与管理学院", "外国语学院", "马克思主义学院", "艺术与传播学院",
         "材料与化学学院", "生命科学学院", "质量与安全工程学院", "继续教育学院", "国际教育学院", "后勤服务中心", "后勤管理处",
         "基建处", "财务处", "资产管理处", "招生就业处", "教务处", "人事处", "科研处", "图书馆", "保卫处", "学生工作部",
         "校团委", "采购与招投标中心", "现代教育技术中心", "附属中学", "校办产业集团", "体育部", "研究生院", "实验室管理处",
         "市住建局", "区教育局", "城东街道办事处", "红树林镇政府", "市城投公司", "港口集团", "市人民医院", "县农业农村局")
POSTS = ("党委书记", "院长", "副院长", "党总支书记", "处长", "副处长", "科长", "主任", "副主任", "办公室主任", "总经理",
         "副总经理", "财务科长", "馆长", "部长", "副部长", "书记", "所长", "站长", "局长", "副局长", "村支书", "校长", "副校长")
RELATIVES = ("小舅子", "妻子", "侄子", "表弟", "大学同学", "老乡", "儿子", "女婿", "亲家", "前同事", "连襟", "堂兄")
CITIES = ("杭州", "防城港", "南宁", "宁波", "温州", "桂林", "钦州", "北海", "绍兴", "金华", "嘉兴", "柳州", "台州", "玉林")
SYLL = "华鑫恒泰盛达宏远嘉禾瑞丰通利永兴博创隆海天润中凯正信安邦新元金诚"
INDUSTRY = ("建筑工程有限公司", "餐饮管理有限公司", "科技有限公司", "物业服务有限公司", "装饰工程有限公司", "教育咨询有限公司",
            "贸易有限公司", "实验设备有限公司", "印务有限公司", "劳务派遣有限公司", "文化传媒有限公司", "信息技术有限公司")
PLACES = ("学校食堂", "学生宿舍楼", "实验楼", "图书馆", "体育馆", "新校区", "老校区的仓库", "行政楼", "校门口", "教工食堂",
          "培训中心", "职工活动中心", "附属医院", "产业园")
RESTAURANTS = ("海鲜大排档", "农家乐", "会所", "私房菜馆", "五星级酒店", "茶楼", "度假山庄", "KTV", "火锅店", "酒店包厢")
GIFTS = ("购物卡", "茅台酒", "高档香烟", "红包", "名牌手表", "土特产", "月饼礼盒", "茶叶", "加油卡", "电子产品")
PROJECTS = ("实验楼改造", "学生宿舍维修", "食堂装修", "操场翻新", "智慧校园建设", "教学楼加固", "道路硬化", "污水管网改造",
            "实训基地建设", "图书馆扩建", "安防监控", "空调采购", "多媒体教室", "绿化提升")

MATTERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("收受礼品礼金", ("{Y}年春节期间收受{C}老板{X}送的{G}，价值{K}千多元", "逢年过节都有下属和老板上门送礼，{G}和{G2}堆满了办公室",
                 "{N}儿子结婚时大办酒席，收受管理服务对象礼金共计{A}万元", "{N}的{O}在{C}挂名拿钱，每月领工资{K}千元却从不上班",
                 "去年{M}月{X}为了承揽{J}工程，给{N}送了{A}万元现金")),
    ("违规吃喝", ("经常带着下属到{R}吃喝，一顿饭花费{K}千多元，都用公款报销", "把招待费拆分成办公用品和会议费报销，账目混乱",
              "{Y}年{M}月在{R}接受{C}宴请，席间喝了{G}", "工作日中午饮酒，下午上班满身酒气，影响很坏",
              "单位食堂设了小灶，{N}和几个领导长期免费吃喝")),
    ("工程招投标", ("{Y}年{J}项目中，{N}指定{C}中标，合同金额{A}万元", "招标文件量身定做，其他公司根本不可能中标",
               "{C}的实际控制人是{N}的{O}，承接了单位多项工程", "{J}工程验收时明显不合格，{N}仍然签字通过，工程款已全部支付",
               "{J}项目先施工后招标，走过场，还把工程拆分成几个小项目规避公开招标", "结算时多付给施工方{A}万元，至今未追回")),
    ("食堂管理", ("{P1}食堂承包给{N}的{O}，饭菜价格高、分量少，学生意见很大", "食堂卫生很差，多次吃出头发和虫子，向后勤反映没人管",
              "食堂招标不公开，同一家{C}连续{Q}年承包", "食堂饭卡充值的钱去向不明，每学期结余{A}万元没有公示",
              "食堂采购的食材以次充好，价格比市场贵三成")),
    ("招生考试", ("{Y}年招生时{N}违规给{Q}名考生加分", "{N}利用招生权力收取家长好处费，每人{A}万元",
              "特长生招生测试走过场，录取名单早就内定了", "{N}的{O}开办{C}，以保证录取为名收取高额培训费",
              "研究生复试打分不公正，{N}打招呼后成绩被修改")),
    ("职称评审", ("{Y}年职称评审中，{N}把不符合条件的{X}评上了副高", "评审专家名单提前泄露，有人给评委送{G}",
              "{N}在职称评审中打招呼，自己学院的人全部通过", "论文造假的人评上了教授，举报后一直没有处理",
              "职称名额分配不公开，领导身边的人优先")),
    ("选人用人", ("{N}在干部选拔中搞任人唯亲，把自己的{O}提拔为{U2}{P2}", "{Y}年中层干部调整前，{N}找人谈话许诺位子",
              "民主推荐走过场，得票低的人反而被提拔", "{X}档案年龄造假，学历也有问题，照样被提拔重用",
              "不经过集体研究，一个人说了算，违反民主集中制")),
    ("公车私用", ("{N}长期把公务车开回家，周末接送孩子上学", "公车加油卡给家人使用，一年多报油费{K}千多元",
              "{Y}年{M}月用公车去{CITY}旅游，有照片为证", "车辆改革后仍然违规保留专车，配有专职司机",
              "公车维修费用异常，一年维修费{A}万元")),
    ("违规兼职取酬", ("{N}在{C}兼任顾问，每年领取报酬{A}万元", "上班时间在校外{C}讲课赚钱，经常不来单位",
                ("未经批准在多家企业兼职，拿干股分红"), "利用单位的实验设备为{C}做检测，收入装进自己腰包",
                "{N}的{O}开公司，{N}利用职务帮其揽业务")),
    ("科研经费", ("{N}虚开发票套取科研经费{A}万元", "把科研经费用于购买{G}和家庭消费", "让学生签劳务费领条，钱被{N}收回",
              "{Y}年的课题经费大部分转到{C}，该公司与{N}有利益关系", "设备采购价格虚高，{C}的报价比市场高一倍")),
    ("资产管理", ("单位在{P1}的门面房低价出租给{N}的{O}，每年租金只有{K}千元", "仪器设备长期闲置，账实不符，损失严重",
              "{Y}年处置报废资产时，{N}把还能用的设备低价卖给{C}", "校办企业连年亏损，{A}万元国有资产流失",
              "出租收入没有纳入财务统一管理，设了小金库")),
    ("小金库", ("{U}私设小金库，资金来源是培训费和场地费", "{N}让财务人员把{A}万元转到个人账户，用于发放奖金福利",
             "违规发放津贴补贴，每人每月多发{K}千元", "年底突击花钱，虚报会议费{A}万元", "账外资金由{N}的{O}保管，没有任何监督")),
    ("形式主义官僚主义", ("{N}只重视材料和留痕，基层填表格占用了大量时间", "群众反映的问题层层转办，{Q}个月都没有答复",
                  "开会多、检查多，一个星期开{Q}次会", "{N}从不下基层调研，对基层困难不闻不问",
                  "整改报告照抄照搬，问题年年出现年年整改")),
    ("师德师风", ("{U}的教师{X}长期对学生言语侮辱，学生苦不堪言", "{X}利用导师身份让研究生干私活，不给报酬",
              "教师在课外有偿补课，强迫学生参加，每人收费{K}千元", "{X}与学生关系不正当，学生举报后被压下来",
              "上课经常迟到早退，课堂纪律混乱，学校不管")),
    ("乱收费", ("学校巧立名目向学生收取资料费、服务费，每人{K}百元", "强制学生购买指定的{C}的教辅材料",
             "宿舍住宿费标准高于物价部门批准的标准", "毕业生离校时被收取各种押金，迟迟不退", "{Y}年向学生收取的军训服装费明显偏高")),
    ("扶贫资金", ("{Y}年的帮扶资金{A}万元被挪作他用", "{N}把帮扶项目交给{O}的{C}承接，质量很差",
              "帮扶村的产业项目虚报冒领，{A}万元去向不明", "慰问物资被截留，贫困户实际没有收到", "帮扶工作搞数字脱贫，走访记录造假")),
    ("生活作风", ("{N}生活奢靡，经常出入{R}等高档场所", "{N}婚外与他人长期保持不正当关系，影响很坏",
              "{N}家中大操大办丧事，收受礼金{A}万元", "{N}热衷于打麻将赌博，输赢动辄上万元", "{N}的{O}开豪车上班，家庭财产与收入明显不符")),
    ("政治纪律", ("{N}在会上公开发表与中央精神不符的言论", "对上级巡察反馈的问题搞假整改，上有政策下有对策",
              "{N}搞团团伙伙，拉帮结派，不服从组织安排", "对抗组织审查，让{X}订立攻守同盟，转移证据",
              "意识形态工作责任制落实不到位，课堂上出现错误言论")),
    ("物业服务", ("{P1}的物业服务外包给{C}，服务质量很差，费用却年年上涨", "物业公司老板是{N}的{O}，合同到期不招标直接续签",
              "物业人员严重不足，垃圾几天没人清理", "{Y}年物业合同金额{A}万元，比上一年多出一倍", "维修基金使用不公开，账目不清")),
    ("采购", ("{Y}年采购{G3}时，{N}指定{C}供货，价格明显偏高", "采购的设备质量差，买回来就坏了，供应商是{N}的{O}",
            "把大额采购拆分成小额采购，规避集中采购", "采购验收只走形式，合同金额{A}万元的设备至今没有到货", "采购中心的人收受供应商回扣")),
    ("违规发放补贴", ("{U}违规发放加班费，每人每月{K}千元", "以课时费名义发放福利，领导拿得最多", "{Y}年底违规发放年终奖{A}万元",
                "退休人员违规领取在职津贴", "违规给领导报销私人费用")),
    ("人事招聘", ("{Y}年招聘时，{N}的{O}笔试成绩不合格却被录用", "招聘条件因人设岗，只有一个人符合条件", "面试考官都是{N}安排的人",
              "编外人员招聘不公开，都是领导的亲戚朋友", "借调人员长期不回原单位，吃空饷")),
    ("安全隐患", ("{P1}存在严重消防隐患，消防通道被堵塞", "实验室危化品管理混乱，没有专人负责", "{J}工程施工不规范，已经发生{Q}起事故",
              "宿舍电路老化，多次跳闸起火，反映后没有整改", "校门口交通混乱，学生上下学很危险")),
    ("学术不端", ("{N}的论文抄袭他人成果，被期刊撤稿", "{N}把学生的科研成果署上自己的名字", "{N}申报项目时伪造数据",
              "学位论文答辩走过场，买卖论文现象严重", "{N}用同一篇论文重复申报奖励")),
)
OPENINGS = ("我是{U}的一名教师，现实名反映{S}的问题。", "我要反映{S}{T}的问题。", "尊敬的巡察组领导：您好！我们是{U}的部分职工，联名反映{S}。",
            "本人匿名向巡察组反映{S}的有关情况。", "巡察组：{S}{T}，群众意见很大。", "我是一名学生家长，反映{S}的问题。",
            "我是{U}退休职工，向巡察组举报{S}。", "举报{S}，主要问题如下。", "反映{S}在任职期间{T}的问题。",
            "你好，我想反映一下{S}的事情。", "现向巡察组如实反映{S}的违纪问题。", "关于{S}{T}的情况反映。")
CLOSINGS = ("请巡察组严肃查处！", "希望组织上调查核实，还我们一个公道。", "以上情况属实，请予以调查。", "恳请巡察组认真核查，给群众一个交代。",
            "希望巡察组能够重视，尽快处理。", "我愿意配合调查，提供相关证据。", "请组织明察。", "希望这次巡察能够解决这个问题。",
            "如需核实，可以调取相关账目。", "大家敢怒不敢言，希望巡察组为我们做主。", "请巡察组一查到底。", "盼复。")
REMARKS = ("这件事在单位里大家都知道，但是没有人敢说", "{Y}年就有人向上级反映过，一直没有结果", "群众对此意见很大",
           "相关证据我已经保存好了", "很多同事都可以作证", "这种情况已经持续{Q}年了")
PREFIXES = ("{Y}年{M}月以来，", "自从{N}到{U}任职后，", "早在{Y}年，", "据{U2}的{X}说，", "在{P1}，", "{Y}年下半年，", "去年{M}月份，",
            "有一次，", "{X}亲眼看到，", "从{Y}年开始，", "{X}告诉我，", "{Y}年{M}月{Q}日，")
SUFFIXES = ("，{X}可以作证", "，涉及金额{A}万元", "，{U2}的{X}也知道这件事", "，时间是{Y}年{M}月", "，地点在{P1}", "，前后有{Q}次",
            "，{X}手里有录音", "，当时{X}和{X}都在场", "，账目可以查到", "，{N}的{O}也参与了", "，{X}当时就提出过反对", "，给{U2}造成了很坏的影响")
INSERTS = ("据我所知，", "大家都知道，", "另外，", "更严重的是，", "听说", "据了解，", "有人看到", "众所周知，")
SYNONYMS = (("反映", "举报"), ("经常", "多次"), ("老板", "负责人"), ("问题", "情况"), ("严重", "恶劣"), ("收受", "接受"),
            ("违规", "违反规定"), ("长期", "一直"), ("意见很大", "怨声载道"), ("明显", "非常"), ("指定", "内定"),
            ("公款", "公家的钱"), ("没人管", "无人过问"), ("至今", "到现在"), ("学生", "同学们"), ("利用", "借助"),
            ("价格", "价钱"), ("单位", "本单位"), ("领导", "负责人"), ("亲戚", "亲属"), ("安排", "指使"), ("影响很坏", "影响恶劣"))
_FULL = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})


class _Slots(dict[str, object]):
    """Template slots, drawn only when a template uses them."""

    def __init__(self, rng: random.Random, subj: dict[str, str]) -> None:
        super().__init__(subj)
        self.rng = rng

    def __missing__(self, key: str) -> object:
        rng = self.rng
        if key == "N":
            name = str(self["name"])
            return name if rng.random() < 0.6 else rng.choice(("他", "该同志", name[0] + str(self["P"])))
        if key == "X":
            return rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.randint(1, 2)))
        if key == "C":
            return rng.choice(CITIES) + "".join(rng.choices(SYLL, k=2)) + rng.choice(INDUSTRY)
        if key == "A":
            return rng.randint(2, 99) if rng.random() < 0.7 else rng.randint(100, 900)
        simple: dict[str, Any] = {
            "CITY": CITIES, "R": RESTAURANTS, "G": GIFTS, "G2": GIFTS, "O": RELATIVES, "J": PROJECTS, "P1": PLACES,
            "U2": UNITS, "P2": POSTS, "G3": ("电脑", "空调", "实验设备", "办公家具", "图书", "教学软件", "投影仪", "体育器材", "食材")}
        if key in simple:
            return rng.choice(simple[key])
        lo, hi = {"Y": (2015, 2024), "M": (1, 12), "K": (2, 9), "Q": (2, 12)}[key]
        return rng.randint(lo, hi)


def _fill(template: str, rng: random.Random, subj: dict[str, str]) -> str:
    if "{" not in template:
        return template
    return template.format_map(_Slots(rng, subj))


Parts = tuple[str, list[str], str, dict[str, str]]


def original(seed: int, i: int) -> Parts:
    """(opening, body sentences, closing, subject) of report ``i`` as first written."""
    rng = random.Random(seed * 1_000_003 + i)
    name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2, 2))))
    unit, post = rng.choice(UNITS), rng.choice(POSTS)
    title, sentences = rng.choice(MATTERS)
    subj = {"name": name, "U": unit, "P": post, "S": unit + post + name, "T": title}
    body = []
    for template in rng.sample(sentences, rng.randint(2, min(4, len(sentences)))):
        pre = rng.choice(PREFIXES) if rng.random() < 0.6 else ""
        post = rng.choice(SUFFIXES) if rng.random() < 0.6 else ""
        body.append(_fill(pre + template + post, rng, subj))
    # Each writer's own wording: a random side of every synonym pair.
    for a, b in SYNONYMS:
        if rng.random() < 0.5:
            body = [x.replace(a, b) for x in body]
    if rng.random() < 0.35 or sum(map(len, body)) < 45:
        body.insert(rng.randint(0, len(body)), _fill(rng.choice(REMARKS), rng, subj))
    opening, closing = _fill(rng.choice(OPENINGS), rng, subj), rng.choice(CLOSINGS)
    while len(body) > 1 and len(opening) + sum(len(s) + 1 for s in body) + len(closing) > 300:
        body.pop()
    return opening, body, closing, subj


def _join(opening: str, body: list[str], closing: str, rng: random.Random) -> str:
    end = ("。", "；", "！") if rng.random() < 0.2 else ("。",)
    return opening + "".join(s + rng.choice(end) for s in body) + closing


def _surface(text: str, rng: random.Random) -> str:
    """Changes that normalisation undoes: punctuation, spacing, width."""
    if rng.random() < 0.5:
        text = text.replace("，", rng.choice((",", " ", "、", "， "))).replace("。", rng.choice((".", "。 ", "！", "\n")))
    if rng.random() < 0.3:
        text = "  " + text.replace("：", ":") + " "
    if rng.random() < 0.3:
        text = text.translate(_FULL)
    return text


def near_duplicate(parts: Parts, rng: random.Random, s2t: Any) -> str:
    """The same matter reported again by someone else, in their own words."""
    opening, body, closing, subj = parts[0], list(parts[1]), parts[2], parts[3]
    if rng.random() < 0.4:
        opening = _fill(rng.choice(OPENINGS), rng, subj)
    if rng.random() < 0.5:
        closing = rng.choice(CLOSINGS)
    if rng.random() < 0.6 and len(body) > 1:
        rng.shuffle(body)
    if rng.random() < 0.3 and len(body) > 2:
        body.pop(rng.randrange(len(body)))
    if rng.random() < 0.4:
        j = rng.randrange(len(body))
        body[j] = rng.choice(INSERTS) + body[j]
    if rng.random() < 0.2:
        body.insert(rng.randint(0, len(body)), rng.choice(("群众对此意见很大", "这是我亲眼所见", "请一定要查清楚")))
    text = _join(opening, body, closing, rng)
    for a, b in SYNONYMS:
        if rng.random() < 0.3:
            text = text.replace(a, b) if a in text else text.replace(b, a)
    text = _surface(text, rng)
    if rng.random() < 0.15:
        text = s2t.convert(text)
    return text


def plan(n: int, seed: int = SEED) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.int64]]:
    """kind (0 original, 1 near duplicate, 2 exact repeat) and the original each report repeats."""
    u = np.random.default_rng([seed, 1]).random(n)  # separate streams: plan(n) is a prefix of plan(n + m)
    kind = np.where(u < NEAR_SHARE, 1, np.where(u < NEAR_SHARE + EXACT_SHARE, 2, 0)).astype(np.int8)
    kind[:10] = 0
    originals = np.flatnonzero(kind == 0)
    pos = np.searchsorted(originals, np.arange(n))  # number of originals before i
    lo = np.searchsorted(originals, np.arange(n) - WINDOW)
    pick = lo + np.floor(np.random.default_rng([seed, 2]).random(n) * np.maximum(pos - lo, 1)).astype(np.int64)
    source = np.where(kind == 0, np.arange(n), originals[np.minimum(pick, len(originals) - 1)])
    return kind, source


def reports(n: int, seed: int = SEED, start: int = 0) -> Iterator[tuple[int, str]]:
    """(report id, text) for reports start..n-1; report ids are 1-based, index i -> id i + 1."""
    import opencc

    s2t = opencc.OpenCC("s2t")
    kind, source = plan(n, seed)
    for i in range(start, n):
        rng = random.Random(seed * 7_919 + i)
        parts = original(seed, int(source[i]))
        if kind[i] == 0:
            text = _join(*parts[:3], random.Random(seed + int(source[i])))
        elif kind[i] == 2:
            text = _join(*parts[:3], random.Random(seed + int(source[i])))
            if rng.random() < 0.5:
                text = _surface(text, rng)
        else:
            text = near_duplicate(parts, rng, s2t)
        yield i + 1, text


def truth(n: int) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.int64]]:
    kind, source = plan(n)
    return kind, source + 1  # true group = id of the original


def pair_scores(true: npt.NDArray[np.int64], pred: npt.NDArray[np.int64]) -> tuple[float, float, int, int]:
    """Pair-counting precision and recall of predicted groups against true groups (+ pair counts)."""
    def pairs(labels: npt.NDArray[np.int64]) -> int:
        c = np.unique(labels, return_counts=True)[1].astype(np.int64)
        return int((c * (c - 1) // 2).sum())
    both = pairs(true * (int(pred.max()) + 1) + pred)
    p_pairs, t_pairs = pairs(pred), pairs(true)
    return (both / p_pairs if p_pairs else 1.0), (both / t_pairs if t_pairs else 1.0), p_pairs, t_pairs


def link_scores(kind: npt.NDArray[np.int8], true: npt.NDArray[np.int64], matched: npt.NDArray[np.int64]) -> dict[str, float]:
    has = matched > 0
    right = has & (true[np.maximum(matched - 1, 0)] == true)
    dup = kind > 0
    return {"links": int(has.sum()), "link_precision": float(right.sum() / max(has.sum(), 1)),
            "recall_near": float((right & (kind == 1)).sum() / max((kind == 1).sum(), 1)),
            "recall_exact": float((right & (kind == 2)).sum() / max((kind == 2).sum(), 1)),
            "link_recall": float((right & dup).sum() / max(dup.sum(), 1))}


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_ours(n: int, clustered: bool = True) -> dict[str, Any]:
    rss0 = maxrss_mb()
    total = n + SINGLE_ADDS
    kind, true = truth(total)
    matched = np.zeros(total, dtype=np.int64)
    with tempfile.TemporaryDirectory(dir=os.environ.get("DEDUP_TMP")) as tmp:
        path = Path(tmp) / "dedup.sqlite3"
        store = SQLiteBandStore(path, clustered=clustered)
        index = DuplicateIndex(store, batch_size=2048)
        t0 = time.perf_counter()
        last = t0
        for rid, m in index.group_all(reports(n)):
            if m is not None:
                matched[rid - 1] = m.report_id
            if rid % 100_000 == 0:
                now = time.perf_counter()
                print(f"    [{n}] {rid} indexed, {100_000 / (now - last):.0f}/s, maxrss {maxrss_mb():.0f} MB", file=sys.stderr, flush=True)
                last = now
        build = time.perf_counter() - t0
        lat = []
        for rid, text in reports(total, start=n):
            t = time.perf_counter()
            m = index.add(rid, text)
            lat.append(time.perf_counter() - t)
            if m is not None:
                matched[rid - 1] = m.report_id
        pred = np.fromiter((g for _, g in index.groups()), dtype=np.int64, count=total)
        n_reports, n_bands = store.counts()
        store.close()
        size = sum(f.stat().st_size for f in Path(tmp).iterdir())
    p, r, pp, tp = pair_scores(true, pred)
    return {"n": n, "build_s": build, "per_s": n / build, "p50_ms": float(np.percentile(lat, 50)) * 1e3,
            "p99_ms": float(np.percentile(lat, 99)) * 1e3, "maxrss_mb": maxrss_mb(), "rss_after_imports_mb": rss0,
            "store_mb": size / 2**20, "band_rows": n_bands, "reports": n_reports, "pair_precision": p, "pair_recall": r,
            "pred_pairs": pp, "true_pairs": tp, **link_scores(kind, true, matched)}


def run_datasketch(n: int) -> dict[str, Any]:
    from datasketch import LeanMinHash, MinHash, MinHashLSH
    from xxhash import xxh32_intdigest

    rss0 = maxrss_mb()
    kind, true = truth(n)
    matched = np.zeros(n, dtype=np.int64)
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    lsh = MinHashLSH(num_perm=128, params=(32, 4))
    sigs: dict[int, LeanMinHash] = {}
    t0 = time.perf_counter()
    batch: list[tuple[int, str]] = []
    for item in reports(n):
        batch.append(item)
        if len(batch) < 2048 and item[0] < n:
            continue
        for (rid, _), norm in zip(batch, normalize_many([t for _, t in batch]), strict=True):
            m = MinHash(num_perm=128, hashfunc=xxh32_intdigest)
            m.update_batch([s.encode() for s in shingles(norm)])
            lean = LeanMinHash(m)
            parent[rid] = rid
            best, best_s = 0, DEFAULT_THRESHOLD
            for c in lsh.query(lean):
                s = lean.jaccard(sigs[c])
                if s >= DEFAULT_THRESHOLD:
                    a, b = find(c), find(rid)
                    parent[max(a, b)] = min(a, b)
                    if s >= best_s:
                        best, best_s = c, s
            matched[rid - 1] = best
            lsh.insert(rid, lean)
            sigs[rid] = lean
        batch = []
    build = time.perf_counter() - t0
    pred = np.array([find(i + 1) for i in range(n)], dtype=np.int64)
    p, r, _, _ = pair_scores(true, pred)
    return {"n": n, "build_s": build, "per_s": n / build, "maxrss_mb": maxrss_mb(), "rss_after_imports_mb": rss0,
            "pair_precision": p, "pair_recall": r, **link_scores(kind, true, matched)}


def run_brute(n: int) -> dict[str, Any]:
    """Exact all-pairs Jaccard on the first n reports vs truth, and ours on the same sample."""
    from scipy import sparse

    kind, true = truth(n)
    items = list(reports(n))
    norms = normalize_many([t for _, t in items])
    vocab: dict[str, int] = {}
    rows, cols = [], []
    for i, norm in enumerate(norms):
        for s in shingles(norm):
            rows.append(i)
            cols.append(vocab.setdefault(s, len(vocab)))
    x = sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(n, len(vocab)))
    t0 = time.perf_counter()
    inter = sparse.triu(x @ x.T, k=1).tocoo()
    sizes = np.asarray(x.sum(axis=1)).ravel()
    jac = inter.data / (sizes[inter.row] + sizes[inter.col] - inter.data)
    brute_s = time.perf_counter() - t0
    hit = jac >= DEFAULT_THRESHOLD
    bi, bj = inter.row[hit], inter.col[hit]
    same = true[bi] == true[bj]
    is_dup = np.zeros(n, dtype=bool)
    is_dup[bj[same]] = True  # the later report of a true pair found
    # Jaccard of each known duplicate with its original (how hard the generated rewording is).
    dup_idx = np.flatnonzero(kind == 1)
    dup_j = np.array([len(shingles(norms[i]) & shingles(norms[true[i] - 1])) / len(shingles(norms[i]) | shingles(norms[true[i] - 1]))
                      for i in dup_idx])
    unrelated = jac[true[inter.row] != true[inter.col]]
    brute_pairs = {(int(a), int(b)) for a, b in zip(bi, bj, strict=True)}
    with tempfile.TemporaryDirectory(dir=os.environ.get("DEDUP_TMP")) as tmp:
        store = SQLiteBandStore(Path(tmp) / "s.sqlite3")
        index = DuplicateIndex(store)
        for _ in index.group_all(items):
            pass
        pred = np.fromiter((g for _, g in index.groups()), dtype=np.int64, count=n)
        store.close()
    ours_pairs = {(a, b) for g in np.unique(pred) for ids in [np.flatnonzero(pred == g)] if len(ids) > 1
                  for a in ids.tolist() for b in ids.tolist() if a < b}
    true_pairs = pair_scores(true, true)[2]
    return {"n": n, "brute_s": brute_s, "brute_pairs": len(brute_pairs),
            "brute_precision": float(same.mean()) if len(same) else 1.0, "brute_pair_recall": float(same.sum() / max(true_pairs, 1)),
            "brute_dup_recall": float(is_dup[kind > 0].mean()),
            "dup_jaccard_p10_p50_p90": [float(v) for v in np.percentile(dup_j, (10, 50, 90))],
            "dup_below_threshold": float((dup_j < DEFAULT_THRESHOLD).mean()),
            "unrelated_pairs_sharing_shingles": int(len(unrelated)), "unrelated_max_jaccard": float(unrelated.max() if len(unrelated) else 0),
            "unrelated_above_0_3": int((unrelated >= 0.3).sum()),
            "ours_pairs": len(ours_pairs), "ours_recall_of_brute": len(ours_pairs & brute_pairs) / max(len(brute_pairs), 1),
            "ours_pair_precision_recall": list(pair_scores(true, pred)[:2])}


def child(args: list[str]) -> dict[str, Any]:
    what, n = args[0], int(args[1])
    if what == "ours":
        return run_ours(n)
    if what == "ours-django-shape":
        return run_ours(n, clustered=False)
    if what == "datasketch":
        return run_datasketch(n)
    return run_brute(n)


def spawn(what: str, n: int, timeout: float | None = None) -> dict[str, Any] | None:
    try:
        out = subprocess.run([sys.executable, __file__, "--child", what, str(n)], check=True, timeout=timeout,
                             stdout=subprocess.PIPE, text=True)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        print(f"  {what} {n}: failed ({exc})")
        return None
    figures: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--sample", type=int, default=5000)
    parser.add_argument("--no-baselines", action="store_true")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child)))
        return
    sizes = [int(s) for s in args.sizes.split(",") if s]
    print(f"dedup bench: k=3 shingles, 128 permutations, 32 bands x 4 rows, threshold {DEFAULT_THRESHOLD}; "
          f"P(candidate) at J=0.3/0.5/0.7: {candidate_probability(0.3):.2f}/{candidate_probability(0.5):.2f}/"
          f"{candidate_probability(0.7):.3f}; {NEAR_SHARE:.0%} near-duplicates, {EXACT_SHARE:.0%} exact repeats; "
          f"cpus={os.cpu_count()}")
    if not args.no_baselines:
        b = spawn("brute", args.sample)
        if b:
            print(f"\n[exact brute force, first {b['n']} reports] all-pairs Jaccard in {b['brute_s']:.2f}s: "
                  f"{b['brute_pairs']} pairs >= {DEFAULT_THRESHOLD}, precision {b['brute_precision']:.3f}, "
                  f"pair recall {b['brute_pair_recall']:.3f}, duplicates found {b['brute_dup_recall']:.3f}")
            print(f"  known near-duplicates' Jaccard to their original p10/p50/p90: "
                  f"{'/'.join(f'{v:.2f}' for v in b['dup_jaccard_p10_p50_p90'])}; {b['dup_below_threshold']:.1%} below threshold")
            print(f"  unrelated pairs sharing a shingle: {b['unrelated_pairs_sharing_shingles']}, max Jaccard "
                  f"{b['unrelated_max_jaccard']:.2f}, >=0.3: {b['unrelated_above_0_3']}")
            print(f"  ours on the same sample: {b['ours_pairs']} pairs, recall of the brute-force pairs "
                  f"{b['ours_recall_of_brute']:.3f}, pair precision/recall vs truth "
                  f"{b['ours_pair_precision_recall'][0]:.3f}/{b['ours_pair_precision_recall'][1]:.3f}")
    for n in sizes:
        r = spawn("ours", n)
        if not r:
            continue
        print(f"\n[ours, SQLite store, n={n:,}] build {r['build_s']:.1f}s ({r['per_s']:,.0f} reports/s); "
              f"add() after build p50 {r['p50_ms']:.2f} ms, p99 {r['p99_ms']:.2f} ms ({SINGLE_ADDS} reports)")
        print(f"  peak RSS {r['maxrss_mb']:.0f} MB (interpreter+numpy+OpenCC after imports {r['rss_after_imports_mb']:.0f} MB); "
              f"store on disk {r['store_mb']:.0f} MB ({r['reports']:,} reports, {r['band_rows']:,} band rows)")
        print(f"  pairs: precision {r['pair_precision']:.4f}, recall {r['pair_recall']:.4f} "
              f"({r['pred_pairs']:,} predicted, {r['true_pairs']:,} true); links: {r['links']:,}, precision "
              f"{r['link_precision']:.4f}, recall {r['link_recall']:.4f} (near {r['recall_near']:.4f}, exact {r['recall_exact']:.4f})")
        if n == sizes[0] and not args.no_baselines:
            d = spawn("datasketch", n)
            if d:
                print(f"[baseline: datasketch {_version('datasketch')} MinHashLSH in memory, 32x4, n={n:,}] build "
                      f"{d['build_s']:.1f}s ({d['per_s']:,.0f} reports/s); peak RSS {d['maxrss_mb']:.0f} MB "
                      f"(after imports {d['rss_after_imports_mb']:.0f} MB); pairs precision {d['pair_precision']:.4f}, "
                      f"recall {d['pair_recall']:.4f}; links precision {d['link_precision']:.4f}, recall {d['link_recall']:.4f}")


def _version(dist: str) -> str:
    from importlib.metadata import version

    return version(dist)


if __name__ == "__main__":
    main()
