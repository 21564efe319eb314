"""The demo's exchange key (docs/exchange.md): this deployment is "demo", and it shares a key with the
university's on-site laptop ("cjlu-laptop"), so that the office's 数据交换 page can export a package at once.
Written only when there is no exchange key file yet (never replaces a real one)."""

from __future__ import annotations

from xuncha.exchange.keys import add_peer, configured, set_deployment


def demo_exchange_keys() -> bool:
    if configured():
        return False
    set_deployment("demo")
    add_peer("cjlu-laptop", name="中国计量大学巡察现场笔记本（演示）")
    return True
