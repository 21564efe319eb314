"""Generated scans of a Chinese letter for the OCR tests (xuncha.core.ocr and the attachments that use it):
the text rendered in the project's CJK font on grey paper, blurred, speckled and slightly tilted."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest

from xuncha.core import ocr

FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
LETTER = [
    "尊敬的巡察组领导：",
    "学院后勤处处长利用职务便利，",
    "收受食堂承包商购物卡和礼金，",
    "并安排亲属承包食堂经营。",
    "请巡察组依纪依规调查处理。",
]
needs_ocr = pytest.mark.skipif(not ocr.engine_available() or not Path(FONT).exists(),
                               reason="tesseract with chi_sim and the CJK font are installed by scripts/system-deps.sh")


def letter_png(lines: list[str] = LETTER, *, angle: float = 0.8, turn: int = 0) -> bytes:
    """A scanned letter tilted by `angle` degrees; then, when `turn` is given, the whole page turned
    counter-clockwise by that many degrees (a page fed into the scanner sideways)."""
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    font = ImageFont.truetype(FONT, 30)
    img = Image.new("L", (1000, 120 + 60 * len(lines)), 255)
    draw = ImageDraw.Draw(img)
    for n, line in enumerate(lines):
        draw.text((60, 60 + 60 * n), line, fill=0, font=font)
    img = img.rotate(angle, fillcolor=240).filter(ImageFilter.GaussianBlur(0.6))
    rng = random.Random(3)
    px = img.load()
    assert px is not None
    for _ in range(2000):
        px[rng.randrange(img.width), rng.randrange(img.height)] = rng.choice((0, 120, 200))
    if turn:
        img = img.rotate(turn, expand=True)
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()
