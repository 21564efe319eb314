"""Hand-curated everyday phrasings, per discipline and per focus.

The regulation's wording (``disciplines.md``) is long and formal; people who write to an inspection team say 收红包,
公车私用, 拿回扣. These lists hold such phrasings, in three tiers: ``STRONG`` phrases nearly always mean the code
(weight 0.8); ``WEAK`` ones are hints that need support from a second phrase or the learned model (weight 0.45);
``CONTEXT`` words (学生, 亲戚, 检查...) add 0.2 only to a code that already has a strong or weak phrase.
Phrases are written in simplified characters; the matcher converts the text first. A phrase may appear under
several codes. Keep each phrase short enough to match everyday wording and long enough not to match innocently
(two-character words only where they are unambiguous in a report).
"""

from __future__ import annotations

STRONG_WEIGHT = 0.8
WEAK_WEIGHT = 0.45
CONTEXT_WEIGHT = 0.2

STRONG: dict[str, str] = {
    "political": """
        妄议 阳奉阴违 两面人 两面派 搞变通 打折扣 只表态不落实 上有政策下有对策 不执行上级 拒不执行上级 政绩工程
        形象工程 面子工程 拉帮结派 小圈子 小团体 团团伙伙 山头主义 培植个人势力 政治谣言 歪曲党史 否定改革开放 诋毁
        诬告 诬陷 统一口径 串供 对抗组织审查 干扰巡察 阻挠巡察 应付巡察 打听是谁 查出来是谁 秋后算账 不许向巡察组
        不要向巡察组 不要乱说话 销毁证据 隐匿证据 转移证据 伪造证据 假整改 虚假整改 整改报告都是编 欺上瞒下
        弄虚作假应付检查 提供虚假材料 提供虚假情况 掩盖问题 迷信活动 风水先生 传教 宗教活动 邪教
    """,
    "organizational": """
        一言堂 一把手说了算 一个人说了算 他一个人说了算 一人说了算 家长制 独断专行 直接拍板 一个人拍板 不上党委会
        不经党委会 没有上会 没有经过党委会 没有经过校长办公会 补了个会议纪要 议而不决 任人唯亲 突击提拔 封官许愿
        跑官要官 买官卖官 买官 拉票 贿选 助选 民主推荐走过场 没有民主推荐 量身定制 暗箱操作 选人用人 干部任用
        提拔干部 干部提拔 违规提拔 带病提拔 职称评审 职称评聘 档案造假 改档案 篡改档案 改年龄 假文凭 假学历 买的学位
        学历造假 代写的论文 打击报复 穿小鞋 泄露举报 举报材料被泄露 检举材料 个人有关事项 个人事项报告 隐瞒不报
        私人护照 因私出国 出国没有报批 同乡会 老乡会 校友会 战友会 发展党员 入党名额 违规入党 三会一课 组织生活
        组织生活会 民主生活会 不补选 不服从组织 民主集中制 不如实说明
    """,
    "integrity": """
        收红包 红包 收礼 送礼 收受礼品 礼金 购物卡 消费卡 加油卡 茅台 名烟名酒 回扣 返点 好处费 拿好处 收了好处
        塞钱 打点 利益输送 权钱交易 行贿 受贿 贿赂 公车私用 公务车 私家车用 接送孙子 接送家人 学校的车 单位的车
        公款吃喝 公款宴请 公款旅游 变相旅游 考察学习 名为考察 出国考察 大吃大喝 超标接待 超标准接待 私人会所 高档会所
        洗浴中心 高尔夫 虚开发票 假发票 套钱 虚报冒领 虚列支出 侵吞 小金库 账外 不入账 进了他个人 个人腰包 腰包
        滥发 乱发奖金 过节费 开公司 办企业 合伙开 法人代表 兼职取酬 违规兼职 亲戚的公司 老婆的公司 爱人开的 老婆开的
        亲属关联 关联公司 拉回家 拉回自己家 据为己有 办公室超标 安家费多批 送的车 老板买单 吃空饷 不上班照样领工资
        不上班领工资 领工资却 挂名领工资 楼堂馆所 婚丧喜庆 借机敛财 大操大办
    """,
    "mass": """
        乱收费 摊派 强制要求 必须买 指定店 不买就 不交就 不交的话 不给毕业 不让入住 扣留 克扣 截留 拖欠 欠薪
        吃拿卡要 刁难 故意刁难 态度恶劣 态度很差 态度特别差 骂学生 爱理不理 推诿 推诿扯皮 踢皮球 推三阻四 不作为
        慢作为 乱作为 不理不睬 没有回音 优亲厚友 不公平 院务公开 校务公开 党务公开 政务公开
    """,
    "work": """
        形式主义 官僚主义 走过场 走形式 文山会海 会议太多 开会太多 天天开会 以会议落实会议 以文件落实文件 层层加码
        过度留痕 迎检 迎接检查 应付检查 数据造假 统计造假 随意决策 拍脑袋 不负责任 疏于管理 管理混乱 监管不力
        监管不到位 撒手不管 推卸责任 食品安全 不问责 没有追责 插手工程 干预招标 指定施工单位 指定单位 围标 串标
        排他性 泄露试题 泄题 泄漏 考试作弊 作弊 舞弊 替考 改成绩 成绩被 违规录取 招生黑幕 不登记 餐饮浪费
    """,
    "life": """
        生活奢靡 奢靡 奢侈 奢华 贪图享乐 名表 豪车 不正当关系 婚外情 情人 包养 小三 暧昧 关系不正常 开房
        开一个房间 性骚扰 动手动脚 骚扰 猥亵 师生恋 低俗 黄段子 不当言论 不当言行 不当视频 脏话 酗酒 醉酒 喝醉
        赌博 网络游戏 打游戏 家风 管教不严 疏于管教 对家属管 仗着他爸 横行霸道
    """,
}

WEAK: dict[str, str] = {
    "political": """
        上级的政策 上级的文件 不符合实际 不当回事 给学校抹黑 威胁 匿名信 整改台账 巡察组走了 站队 算命 乱说话
    """,
    "organizational": """
        党支部 党总支 书记说了算 个人决定 内定 不公示 评职称 职称推荐 评审委员会 教学名师 学术称号 荣誉称号 评优评先
        优秀共产党员 护照 换届 组织关系 党费 不团结 谈话函询 没有报批 拒不执行
    """,
    "integrity": """
        礼品 烟酒 土特产 分红 收钱 公车 接送孩子 吃喝 宴请 请客吃饭 签单 接待费 招待费 会所 报销 发票 套取 挪用
        侵占 津贴 补贴 福利 奖金 劳务费 顾问费 咨询费 讲课费 课题费 经商 兼职 兼任 法人是 搬回家 公物 办公用房
        超标 周转房 别墅 老板送 买单 随礼 意思意思 表示表示
    """,
    "mass": """
        收费 收取 多收 押金 不退 强制 指定的 不公 不公开 不公示 没人管 没人理 评优 助学金 奖学金 贫困生 困难学生
        勤工助学 资助 关系户 开后门 走后门 态度差 骂人 拖着不
    """,
    "work": """
        留痕 打卡 填表 展板 台账 补材料 补记录 补写 造假 弄虚作假 安全隐患 消防 火灾 事故 受伤 插手 招标 投标
        中标 工程 采购 承包 外包 分包 试题 考场 监考 改分 复试 推免 保研 录取 单招 专升本 代课 代写 查重
        打招呼 说情 泄露 信访 浪费 就业率
    """,
    "life": """
        打牌 输赢 澳门 炫耀 骂人 打架 名牌 谈恋爱
    """,
}

# Context words: they count only for a code that already has a strong or weak phrase.
CONTEXT: dict[str, str] = {
    "political": """
    """,
    "organizational": """
        提拔 调动 竞聘 招聘 考察 编制 人才引进 职称 评审 推荐 民主测评 档案 党员 支部
    """,
    "integrity": """
        亲戚 亲属 家属 老婆 爱人 儿子 女儿 侄子 外甥 老板 供应商 承包商 高档 豪华 好几套房 装修 出差 旅游 吃饭
    """,
    "mass": """
        学生 家长 教职工 临时工 外聘 合同工 实习 宿舍 食堂 饭卡 态度 办事 跑了 好几趟 申诉 投诉
    """,
    "work": """
        检查 评估 考核 指标 材料 会议 文件 教学 实验室 实训 质量 验收 偷工减料 招生 考试 成绩
    """,
    "life": """
        生活作风 作风 老婆 孩子 子女 朋友圈 抖音 微博 微信群
    """,
}

# Focus cues of their own (beyond what the disciplines pass on, see lexicon.FOCUS_FROM_DISCIPLINE).
FOCUS_STRONG: dict[str, str] = {
    "policy": """
        决策部署 重大决策 上级决策 党中央 中央八项规定 八项规定 教育方针 立德树人 意识形态 思政课 课程思政
        全面从严治党 主体责任 双减 减负 产教融合 职业教育改革 乡村振兴 对口帮扶 资助政策 就业政策 政策落实
        政策没有落实 没有落实 不落实 落实不到位 只表态 打折扣 搞变通 阳奉阴违 形象工程 政绩工程 面子工程
        安全生产 安全教育 安全管理 消防安全 食品安全 心理健康 统计造假 就业率 双高
    """,
    "corruption": "不正之风 腐败 四风 吃拿卡要 侵害群众利益 群众反映强烈 招生黑幕",
    "party_building": """
        基层党组织 党组织 党支部 党总支 支部书记 三会一课 组织生活 民主生活会 党课 党员 入党 发展党员 党费
        组织关系 换届 选人用人 干部选拔 干部任用 提拔 民主推荐 任人唯亲 突击提拔 拉票 贿选 封官许愿 跑官要官
        干部队伍 干部考察 中层干部 竞聘 民主集中制 一言堂 家长制 不团结 党建 家风
    """,
    "rectification": """
        整改 整改落实 整改报告 整改方案 整改台账 整改到位 已整改 没有整改 未整改 假整改 整改走过场 巡察整改
        巡视整改 审计整改 上一轮巡察 上次巡察 上轮巡察 上一轮巡视 上次巡视 巡察指出 巡视指出 巡察发现 巡视反馈
        巡察反馈 审计发现 审计指出 审计报告 督导组 监督建议 清退 成果运用
    """,
}

FOCUS_WEAK: dict[str, str] = {
    "policy": "上级要求 上级规定 国家规定 政策 文件规定 教学质量 安全",
    "corruption": "群众 学生利益 老师们的利益",
    "party_building": "书记 干部 组织部",
    "rectification": "审计 巡视 督导 问题清单 销号",
}

# Extra focus cues of the 四个落实 wording (universities): what its four headings name beyond the 四个聚焦's cues.
FOCUS_IMPLEMENTATIONS: dict[str, str] = {
    "policy": "办学方向 社会主义办学方向 教育方针 立德树人 意识形态 课程思政 思政课 人才培养",
    "corruption": "全面从严治党 主体责任 监督责任 一岗双责 八项规定 四风 廉政风险 廉洁风险",
    "party_building": "组织路线 领导班子 干部队伍 人才队伍 基层党组织 党支部 组织生活 党员发展",
    "rectification": "整改 巡视整改 巡察整改 审计整改 问题整改",
}

# Everyday misspellings and variants that should count as the phrase they stand for. The matcher adds each variant
# with the codes and weight of its standard form.
VARIANTS: dict[str, str] = {
    "报消": "报销",
    "回口": "回扣",
    "吃拿卡拿": "吃拿卡要",
    "红苞": "红包",
    "公車私用": "公车私用",
    "泄漏试题": "泄露试题",
    "舞幣": "舞弊",
    "一言谈": "一言堂",
    "任人为亲": "任人唯亲",
    "乱收废": "乱收费",
    "形势主义": "形式主义",
    "走过长": "走过场",
    "小金裤": "小金库",
}


def parse_words(block: str) -> list[str]:
    """The whitespace-separated phrases of one block, in order, without duplicates."""
    seen: dict[str, None] = {}
    for word in block.split():
        seen.setdefault(word, None)
    return list(seen)
