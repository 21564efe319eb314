"""Writes for the IMAP mailboxes behind email channels (the office's business; audited)."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest

from xuncha.access import Kind, Purpose, allows
from xuncha.accounts.models import User
from xuncha.audit.services import audit_record
from xuncha.core import crypto
from xuncha.errors import Invalid, NotAllowed
from xuncha.inspections.models import Channel, ChannelKind
from xuncha.keys import key_ring

from .mail import PASSWORD_CONTEXT
from .models import Mailbox


def mailbox_configure(*, actor: User, channel: Channel, host: str, port: int, use_ssl: bool, username: str, password: str,
                      folder: str = "INBOX", enabled: bool = True, request: HttpRequest | None = None) -> Mailbox:
    """Connect an email channel to an IMAP mailbox, or change its settings. Office admins only.

    The password is sealed (SM4-GCM, context "mailbox_password") and never written to the audit log.
    An empty password keeps the one already stored (so settings can change without retyping it).
    """
    if not allows(actor, Kind.INSPECTION, Purpose.WORK, channel.inspection):
        raise NotAllowed("只有巡察办管理员可以配置收件邮箱。")
    host, username, folder = host.strip(), username.strip(), (folder or "").strip() or "INBOX"
    existing = Mailbox.objects.filter(channel=channel).first()
    problems = []
    if channel.kind != ChannelKind.EMAIL:
        problems.append("只有“电子邮箱”渠道可以连接收件邮箱。")
    if not host or any(c.isspace() for c in host) or "/" in host:
        problems.append("请填写正确的 IMAP 服务器地址。")
    if not 1 <= int(port) <= 65535:
        problems.append("端口应在 1 至 65535 之间。")
    if not username:
        problems.append("请填写邮箱用户名。")
    if not password and existing is None:
        problems.append("请填写邮箱密码（或客户端授权码）。")
    if len(host) > 200 or len(username) > 200 or len(folder) > 100:
        problems.append("服务器地址、用户名或文件夹名称过长。")
    if enabled:
        clash = (Mailbox.objects.filter(host__iexact=host, username__iexact=username, folder=folder, enabled=True)
                 .exclude(channel=channel).select_related("channel__inspection").first())
        if clash is not None:
            # The same folder behind two channels would register every mail twice, in two inspections.
            problems.append(f"该邮箱文件夹已用于“{clash.channel.inspection}”的邮箱渠道，同一邮箱不能重复收取。")
    if problems:
        raise Invalid(problems)
    with transaction.atomic():
        mailbox = existing or Mailbox(channel=channel)
        mailbox.host, mailbox.port, mailbox.use_ssl = host, int(port), bool(use_ssl)
        mailbox.username, mailbox.folder, mailbox.enabled = username, folder, bool(enabled)
        if password:
            mailbox.password_sealed = crypto.seal(key_ring(), password, context=PASSWORD_CONTEXT)
        mailbox.last_error = ""
        mailbox.save()
        audit_record(actor=actor, action="mailbox.configure", obj=mailbox, request=request,
                     summary=f"{'修改' if existing else '配置'}邮箱渠道“{channel.value or channel.label}”的收件邮箱 "
                             f"{username}@{host}:{port}（{'启用' if enabled else '停用'}）",
                     data={"channel": channel.pk, "inspection": channel.inspection_id, "host": host, "port": int(port),
                           "use_ssl": bool(use_ssl), "username": username, "folder": folder, "enabled": bool(enabled),
                           "password_changed": bool(password)})
    return mailbox
