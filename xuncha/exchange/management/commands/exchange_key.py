"""manage.py exchange_key init <code> | new <peer> --name ... | add <peer> --key HEX --name ... | list"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xuncha.exchange.keys import ExchangeKeyError, add_peer, load_config, set_deployment


class Command(BaseCommand):
    help = "配置与其他部署交换数据的密钥（docs/exchange.md）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["init", "new", "add", "list"])
        parser.add_argument("code", nargs="?", help="init：本部署代号；new/add：对方部署代号")
        parser.add_argument("--name", default="", help="对方的名称（如：中国计量大学党委巡察办）")
        parser.add_argument("--key", help="add：对方交来的交换密钥（64 位十六进制）")

    def handle(self, *args: Any, **options: Any) -> None:
        action, code = options["action"], options["code"]
        try:
            if action == "init":
                if not code:
                    raise CommandError("请给出本部署的代号。")
                set_deployment(code)
                self.stdout.write(f"本部署代号：{code}")
            elif action in ("new", "add"):
                if not code:
                    raise CommandError("请给出对方部署的代号。")
                if action == "add" and not options["key"]:
                    raise CommandError("请用 --key 给出对方交来的交换密钥。")
                peer = add_peer(code, name=options["name"], key_hex=options["key"])
                if action == "new":
                    self.stdout.write("新的交换密钥（只显示这一次；请当面或用可靠的离线方式交给对方管理员，对方执行"
                                      f" exchange_key add {load_config().deployment} --key <密钥>）：")
                    self.stdout.write(peer.secret.hex())
                self.stdout.write(f"已记录与 {code} 的交换密钥，指纹 {peer.fingerprint}（请电话与对方核对指纹）。")
            else:
                config = load_config()
                self.stdout.write(f"本部署代号：{config.deployment}")
                for p in config.peers.values():
                    self.stdout.write(f"  {p.code}\t{p.name}\t指纹 {p.fingerprint}")
        except ExchangeKeyError as exc:
            raise CommandError(str(exc)) from None
