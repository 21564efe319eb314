"""Build the classification model now (the hourly job builds it too when none exists)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from xuncha.triage.classifier import classifier_retrain, corpus_split


class Command(BaseCommand):
    help = "用真实语料（开发部分）、既有标注和已确认的问题类别训练分类模型，并在留出语料上测量其质量"

    def handle(self, *args: Any, **options: Any) -> None:
        dev, held, how = corpus_split()
        self.stdout.write(f"语料：开发 {len(dev)} 条，留出 {len(held)} 条（{how or '未配置语料'}）。")
        row = classifier_retrain()
        if row is None:
            raise CommandError("可学习的样本不足，未生成模型。")
        heldout = row.metadata.get("heldout") or {}
        macro = heldout.get("macro_f1")
        self.stdout.write(f"已生成模型 {row.model_id}（{row.trained_on} 条样本）"
                          + (f"；留出语料宏平均F1 {macro:.3f}" if macro is not None else "") + "。")
