"""Connect an email channel to its IMAP mailbox from the shell (what an office admin does).

    XUNCHA_MAILBOX_PASSWORD=... python manage.py mailbox_set --actor office --channel 12 \\
        --host imap.example.org --port 993 --username xcz@example.org [--folder INBOX] [--check]

The password is never a command-line argument (it would show in `ps` and the shell history): it is
read from the environment variable named by --password-env (default XUNCHA_MAILBOX_PASSWORD), or
prompted for on a terminal. Reconfiguring an existing mailbox without a password keeps the old one.
"""

from __future__ import annotations

import getpass
import os
import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from xuncha.accounts.models import User
from xuncha.inspections.models import Channel, ChannelKind
from xuncha.intake.mail import MailboxError, mailbox_check
from xuncha.intake.mailbox_services import mailbox_configure
from xuncha.intake.models import Mailbox

PASSWORD_ENV = "XUNCHA_MAILBOX_PASSWORD"


class Command(BaseCommand):
    help = "为邮箱渠道配置 IMAP 收件邮箱（密码从环境变量读取或交互输入，不作为命令行参数）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--actor", required=True, help="执行配置的巡察办管理员用户名（记入审计日志）")
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--channel", type=int, help="邮箱渠道编号")
        target.add_argument("--address", help="邮箱渠道公布的邮箱地址（须只对应一个渠道）")
        parser.add_argument("--host", required=True, help="IMAP 服务器地址")
        parser.add_argument("--port", type=int, default=None, help="端口（默认：SSL 993，否则 143）")
        parser.add_argument("--no-ssl", action="store_true", help="不用 SSL/TLS 直连（服务器支持时仍会 STARTTLS）")
        parser.add_argument("--username", required=True, help="邮箱用户名")
        parser.add_argument("--folder", default="INBOX", help="收取的文件夹（默认 INBOX）")
        parser.add_argument("--password-env", default=PASSWORD_ENV, help=f"存放密码的环境变量名（默认 {PASSWORD_ENV}）")
        parser.add_argument("--disable", action="store_true", help="停用该邮箱（保留配置，不再收取）")
        parser.add_argument("--check", action="store_true", help="配置后立即试连接，报告文件夹中的邮件数")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = User.objects.filter(username=options["actor"], is_active=True).first()
        if actor is None:
            raise CommandError(f"找不到用户 {options['actor']}。")
        channel = self._channel(options)
        existing = Mailbox.objects.filter(channel=channel).exists()
        password = os.environ.get(options["password_env"], "")
        if not password and sys.stdin.isatty():
            prompt = "邮箱密码或授权码（直接回车保留原密码）：" if existing else "邮箱密码或授权码："
            password = getpass.getpass(prompt)
        if not password and not existing:
            raise CommandError(f"请通过环境变量 {options['password_env']} 提供邮箱密码，或在终端中运行以便输入。")
        use_ssl = not options["no_ssl"]
        port = options["port"] or (993 if use_ssl else 143)
        try:
            mailbox = mailbox_configure(actor=actor, channel=channel, host=options["host"], port=port, use_ssl=use_ssl,
                                        username=options["username"], password=password, folder=options["folder"],
                                        enabled=not options["disable"])
        except PermissionError as exc:
            raise CommandError(str(exc))
        except ValidationError as exc:
            raise CommandError("".join(exc.messages))
        state = "已停用" if not mailbox.enabled else "已启用"
        self.stdout.write(f"已配置邮箱渠道“{channel.value}”（{channel.inspection}）的收件邮箱 {mailbox}，"
                          f"文件夹 {mailbox.folder}，{state}（编号 {mailbox.pk}）。")
        if options["check"]:
            try:
                count = mailbox_check(mailbox)
            except MailboxError as exc:
                raise CommandError(f"试连接失败：{exc}")
            self.stdout.write(f"试连接成功：文件夹中有 {count} 封邮件。")

    def _channel(self, options: dict[str, Any]) -> Channel:
        qs = Channel.objects.select_related("inspection").filter(kind=ChannelKind.EMAIL)
        if options["channel"] is not None:
            channel = qs.filter(pk=options["channel"]).first()
            if channel is None:
                raise CommandError(f"找不到编号为 {options['channel']} 的邮箱渠道。")
            return channel
        matches = list(qs.filter(value__iexact=options["address"].strip()))
        if not matches:
            raise CommandError(f"没有公布邮箱 {options['address']} 的渠道。")
        if len(matches) > 1:
            listing = "；".join(f"编号 {c.pk}：{c.inspection}" for c in matches)
            raise CommandError(f"邮箱 {options['address']} 对应多个渠道，请用 --channel 指定：{listing}")
        return matches[0]
