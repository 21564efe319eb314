from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from xuncha.audit.keys import load_audit_key
from xuncha.audit.models import AuditEvent
from xuncha.audit.services import audit_key_start
from xuncha.core.crypto import KeyError_


class Command(BaseCommand):
    help = ("The audit chain's key. status: where it is and from which event the chain is keyed. "
            "start: the upgrade step of an installation from before the key: create the key and sign every later event "
            "(older events keep their SM3 chain; the first keyed event covers them).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["status", "start"])

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "start":
                keyed_from, created = audit_key_start()
                if created:
                    self.stdout.write(f"已生成审计密钥 {settings.AUDIT_KEY_FILE}（权限 0600），"
                                      + (f"自事件 #{keyed_from} 起签名；此前的事件保留原 SM3 链。" if keyed_from else "全部事件均签名。")
                                      + "请立即把该文件与身份密钥一起单独备份。")
                else:
                    self.stdout.write(f"审计密钥已存在：{settings.AUDIT_KEY_FILE}，未做改动。")
            key = load_audit_key()
        except KeyError_ as exc:
            raise CommandError(str(exc)) from None
        if key is None:
            self.stdout.write(f"尚未启用审计密钥（{settings.AUDIT_KEY_FILE} 不存在）；写入下一条审计事件时自动生成，"
                              "或运行 python manage.py audit_key start。")
            return
        keyed = AuditEvent.objects.filter(id__gte=key.keyed_from).count()
        older = AuditEvent.objects.filter(id__lt=key.keyed_from).count()
        self.stdout.write(f"审计密钥：{settings.AUDIT_KEY_FILE}（指纹 {key.key_id}）；签名起点：事件 #{key.keyed_from}；"
                          f"已签名事件 {keyed} 条，启用密钥之前的事件 {older} 条。")
