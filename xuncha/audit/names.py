"""The audit log in words: each action code and object kind the code records, named in Chinese.

The codes stay the record (the hash chain covers them); these names are only how the auditor reads them.
Every code passed to audit_record() has a name here (xuncha/audit/tests/test_names.py greps the code);
an unknown code is shown as itself.
"""

from __future__ import annotations

from functools import lru_cache

from django.apps import apps

# The group of a code is what precedes its dot; the filter offers each group and each code.
GROUP_NAMES: dict[str, str] = {
    "attachment": "附件",
    "document": "调阅资料",
    "document_file": "调阅资料文件",
    "document_item": "调阅资料事项",
    "document_request": "调阅资料通知",
    "field_attachment": "走访、会议记录附件",
    "field_record": "走访、座谈、会议记录",
    "interview": "个别谈话",
    "lead": "待核实问题",
    "leadership": "领导班子成员",
    "must_rule": "必谈规则",
    "office": "巡察办",
    "pool": "巡察人员库",
    "survey": "民主测评与问卷",
    "accounts": "账号",
    "announcement": "巡察公告",
    "audit": "审计",
    "backup": "备份与恢复",
    "auth": "登录与口令",
    "body": "接收单位",
    "calendar": "工作日历",
    "channel": "受理渠道",
    "clue": "问题线索",
    "disposition": "处置意见",
    "evidence": "整改佐证",
    "export": "导出",
    "feedback": "巡察反馈",
    "finding": "问题底稿",
    "inspection": "巡察任务",
    "keys": "密钥",
    "ledger": "整改台账",
    "mailbox": "收件邮箱",
    "meeting": "动员会",
    "notice": "立行立改通知",
    "notification": "提醒",
    "rectification": "整改提醒",
    "rectification_item": "整改事项",
    "referral": "转办件",
    "report": "信访件",
    "round": "巡察轮次",
    "target": "被巡察党组织",
    "team": "巡察组",
    "transfer_batch": "移交清单",
    "triage": "研判",
}

ACTION_NAMES: dict[str, str] = {
    "attachment.mark_identity": "标记附件含反映人身份",
    "attachment.open": "打开附件文件",
    "attachment.read": "识别附件文字",
    "attachment.reveal": "查看含身份附件的原件（写明理由）",
    "attachment.text": "查看附件识别出的文字",
    "attachment.view": "查看附件",
    "clue.attachment_open": "接收单位打开问题线索附件",
    "clue.attachments": "选定问题线索随附的附件",
    "document.search": "按内容查找调阅资料",
    "document_file.download": "下载调阅资料文件",
    "document_item.deliver": "报送调阅资料",
    "document_item.record": "登记调阅资料存放、退还",
    "document_request.approve": "批准调阅资料通知",
    "document_request.create": "提出调阅资料通知",
    "document_request.handover_export": "导出调阅资料交接单",
    "document_request.reject": "不同意调阅资料通知",
    "field_attachment.download": "下载走访、会议记录附件",
    "field_record.create": "登记走访、座谈、会议记录",
    "finding.evidence_add": "问题底稿引用证据",
    "finding.evidence_remove": "问题底稿移除证据",
    "finding.review_export": "导出问题底稿审批单",
    "finding.review_setting": "设置问题底稿副组长审核",
    "inspection.co_organiser": "设置提级巡察的协办巡察办",
    "interview.cancel": "取消谈话",
    "interview.create": "列入谈话名单",
    "interview.declare_relation": "申报与谈话对象的关系",
    "interview.identity_reveal": "查看谈话对象身份（写明理由）",
    "interview.move": "调整谈话安排",
    "interview.must_generate": "生成必谈名单",
    "interview.outline": "修改谈话提纲",
    "interview.record": "记录谈话",
    "interview.request": "收到主动约谈申请",
    "interview.schedule": "安排谈话",
    "interview.schedule_print": "打印谈话安排表",
    "lead.close": "了结待核实问题",
    "lead.create": "提出待核实问题",
    "lead.merge": "待核实问题并入问题底稿",
    "leadership.add": "登记领导班子成员",
    "leadership.update": "修改领导班子成员",
    "must_rule.update": "修改必谈规则",
    "office.create": "创建巡察办",
    "pool.authorisation": "登记巡察人员授权",
    "pool.person_create": "加入巡察人员库",
    "pool.person_rate": "评价巡察人员",
    "pool.relation_declare": "申报巡察人员关系",
    "report.content_confirm": "确认机器识别的信访内容",
    "survey.codes": "发放测评码",
    "survey.create": "创建测评",
    "survey.publish": "发布测评",
    "survey.questions": "修改测评题目",
    "survey.slips": "打印测评码纸条",
    "survey.update": "修改测评设置",
    "accounts.password_change": "修改密码",
    "accounts.password_change_failed": "修改密码失败（原密码错误）",
    "accounts.password_reset": "重置密码",
    "accounts.role_assign": "分配角色",
    "accounts.role_revoke": "撤销角色",
    "accounts.user_active": "启用或停用账号",
    "accounts.user_create": "创建账号",
    "accounts.user_unlock": "解除账号锁定",
    "announcement.import": "导入巡察公告",
    "audit.anchor": "写入审计锚点",
    "audit.key_start": "启用审计密钥",
    "audit.verify": "校验审计链",
    "auth.api_token": "获取接口令牌",
    "backup.create": "数据备份",
    "backup.restore": "从备份恢复",
    "auth.sessions_end_others": "退出其他会话",
    "auth.login": "登录",
    "auth.login_failed": "登录失败",
    "auth.login_locked": "账号被锁定",
    "auth.login_throttled": "登录失败过多须等待",
    "auth.password_ok": "口令正确（待验证动态口令）",
    "auth.totp_enable": "启用动态口令",
    "auth.totp_failed": "动态口令错误",
    "auth.totp_reset": "重置动态口令",
    "body.recipient_add": "指定接收人",
    "body.recipient_remove": "取消接收人",
    "calendar.delete": "删除工作日历调整",
    "calendar.set": "设置工作日历调整",
    "channel.create": "新增受理渠道",
    "channel.delete": "删除受理渠道",
    "channel.update": "修改受理渠道",
    "clue.result": "登记问题线索办理结果",
    "clue.view": "查看移交的问题线索",
    "disposition.approve": "批准处置意见",
    "disposition.propose": "提出处置意见",
    "disposition.return": "退回处置意见",
    "evidence.download": "下载整改佐证",
    "export.announcement_docx": "导出公告 Word 文档",
    "export.audit_anchor": "下载审计锚点",
    "export.audit_csv": "导出审计日志",
    "export.letterbox_notice_pdf": "导出联系信箱告示 PDF",
    "feedback.export": "导出反馈意见",
    "feedback.record": "登记巡察反馈",
    "feedback.update": "更正巡察反馈",
    "finding.approve": "审定问题底稿",
    "finding.create": "起草问题底稿",
    "finding.list": "查看问题底稿列表",
    "finding.return": "退回问题底稿",
    "finding.submit": "提交问题底稿",
    "finding.update": "修改问题底稿",
    "finding.view": "查看问题底稿",
    "inspection.archive": "归档巡察任务",
    "inspection.close": "关闭巡察任务",
    "inspection.create": "创建巡察任务",
    "inspection.update": "修改巡察任务",
    "inspection.view": "查看巡察任务",
    "keys.reseal": "密钥轮换（重新加密）",
    "ledger.export": "导出整改台账",
    "mailbox.configure": "配置收件邮箱",
    "meeting.save": "保存动员会信息",
    "notice.accept": "核查通过立行立改答复",
    "notice.answer": "答复立行立改通知",
    "notice.candidates": "查看立行立改候选",
    "notice.create": "起草立行立改通知",
    "notice.evidence_download": "下载立行立改佐证",
    "notice.export": "导出立行立改通知",
    "notice.issue": "签发立行立改通知",
    "notice.return": "退回立行立改答复",
    "notice.update": "修改立行立改通知",
    "notice.view": "查看立行立改通知",
    "notification.read": "阅读提醒",
    "rectification.reminders": "发送整改提醒",
    "rectification_item.create": "新增整改事项",
    "rectification_item.progress": "报送整改进展",
    "rectification_item.return": "退回整改事项",
    "rectification_item.sign_off": "整改事项销号",
    "rectification_item.update": "修改整改事项",
    "referral.acknowledge": "签收转办件",
    "referral.letter_export": "导出转办函",
    "referral.result": "登记转办件办理结果",
    "referral.send": "移送转办件",
    "referral.view": "查看转办件",
    "report.add_information": "补充反映材料",
    "report.identity_reveal": "查看反映人身份",
    "report.labels_confirm": "确认分类",
    "report.list": "查看信访件列表",
    "report.raw_source": "查看原始来件",
    "report.receipt_lookup": "凭查询码查询",
    "report.register": "登记信访件",
    "report.reply": "答复反映人",
    "report.reply_exempt": "登记无需答复的理由",
    "report.reply_exempt_clear": "撤销无需答复",
    "report.reply_list": "查看答复列表",
    "report.scope_confirm": "确认受理范围",
    "report.subjects_update": "修改被反映人",
    "report.view": "查看信访件",
    "round.archive": "归档巡察轮次",
    "round.close": "关闭巡察轮次",
    "round.create": "创建巡察轮次",
    "round.update": "修改巡察轮次",
    "target.archive": "归档被巡察党组织",
    "target.create": "新增被巡察党组织",
    "target.liaison_add": "指定整改联络员",
    "target.liaison_remove": "取消整改联络员",
    "target.update": "修改被巡察党组织",
    "team.archive": "撤销巡察组",
    "team.conflict_declare": "申报回避",
    "team.create": "组建巡察组",
    "team.member_add": "添加巡察组成员",
    "team.member_leave": "巡察组成员离组",
    "team.member_update": "修改巡察组成员",
    "team.update": "修改巡察组",
    "transfer_batch.create": "生成移交清单",
    "transfer_batch.export": "导出移交清单",
    "transfer_batch.sign": "签收移交清单",
    "triage.stats_export": "导出研判统计",
}

# Kinds recorded by label that have no Chinese verbose_name of their own.
_KIND_NAMES: dict[str, str] = {
    "rectification.notification": "提醒",
    "notify.notification": "提醒",
}


def action_name(code: str) -> str:
    """The Chinese name of an action code; an unknown code is shown as itself."""
    return ACTION_NAMES.get(code, code)


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@lru_cache(maxsize=256)
def object_kind_name(label: str) -> str:
    """The Chinese name of an object kind ("inspections.inspection" → 巡察任务): the model's own
    verbose_name, found by its label (the platform layer does not import the domain apps)."""
    if not label:
        return ""
    if label in _KIND_NAMES:
        return _KIND_NAMES[label]
    try:
        name = str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return label
    return name if _has_cjk(name) else label


def action_choices() -> list[tuple[str, list[tuple[str, str]]] | tuple[str, str]]:
    """The filter's choices: any action, then per group "all of the group" and each action of it."""
    choices: list[tuple[str, list[tuple[str, str]]] | tuple[str, str]] = [("", "全部操作")]
    for group, group_name in sorted(GROUP_NAMES.items(), key=lambda kv: kv[0]):
        codes = sorted(c for c in ACTION_NAMES if c.split(".", 1)[0] == group)
        choices.append((group_name, [(f"{group}.", f"{group_name}：全部"), *((c, ACTION_NAMES[c]) for c in codes)]))
    return choices


def object_kind_choices() -> list[tuple[str, str]]:
    """The filter's object kinds: every model with a Chinese name, by that name."""
    labels = {m._meta.label_lower for m in apps.get_models()} | set(_KIND_NAMES)
    named = [(label, object_kind_name(label)) for label in labels]
    return [("", "全部对象"), *sorted(((k, v) for k, v in named if v != k), key=lambda kv: (kv[1], kv[0]))]
