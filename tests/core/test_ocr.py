"""OCR (xuncha.core.ocr) on generated images: a page turned by 90 degrees reads like the upright one, and
noise gives no text but the low-confidence flag."""

from __future__ import annotations

import io
import random

import pytest

from tests.scans import letter_png, needs_ocr
from xuncha.core import ocr

KEY_WORDS = ("后勤处", "购物卡", "礼金", "食堂", "巡察组")

pytestmark = needs_ocr


def _png(img: object) -> bytes:
    out = io.BytesIO()
    img.save(out, format="PNG")  # type: ignore[attr-defined]
    return out.getvalue()


def test_a_letter_turned_sideways_reads_like_the_upright_one() -> None:
    upright = ocr.ocr_image(letter_png())
    turned = ocr.ocr_image(letter_png(turn=90))
    assert upright.turned == 0 and not upright.low_confidence
    assert turned.turned == 90  # turned back clockwise before reading
    for word in KEY_WORDS:
        assert word in upright.text and word in turned.text
    assert [line.text for line in turned.lines] == [line.text for line in upright.lines]
    assert not turned.low_confidence and turned.dropped_lines == 0
    # The boxes are in the pixels of the image as given: sideways lines are tall and narrow, inside it.
    from PIL import Image

    with Image.open(io.BytesIO(letter_png(turn=90))) as img:
        width, height = img.size
    for line in turned.lines:
        x0, y0, x1, y1 = line.box
        assert 0 <= x0 < x1 <= width and 0 <= y0 < y1 <= height
        assert y1 - y0 > x1 - x0


def test_upside_down_boxes_map_back_onto_the_upright_ones() -> None:
    upright = ocr.ocr_image(letter_png())
    turned = ocr.ocr_image(letter_png(turn=180))
    assert turned.turned == 180 and "购物卡" in turned.text
    from PIL import Image

    with Image.open(io.BytesIO(letter_png())) as img:
        width, height = img.size
    first_up, first_turned = upright.lines[0].box, turned.lines[0].box
    # The first line read (upright) lies at the bottom right of the upside-down image.
    mirrored = (width - first_up[2], height - first_up[3], width - first_up[0], height - first_up[1])
    assert all(abs(a - b) <= 6 for a, b in zip(first_turned, mirrored, strict=True))


def test_noise_gives_no_text_and_the_low_confidence_flag() -> None:
    from PIL import Image, ImageFilter

    rng = random.Random(7)
    img = Image.new("L", (400, 240), 200)
    px = img.load()
    assert px is not None
    for _ in range(12_000):  # a texture: blotches and strokes of random grey
        px[rng.randrange(img.width), rng.randrange(img.height)] = rng.choice((0, 40, 90, 250))
    result = ocr.ocr_image(_png(img.filter(ImageFilter.GaussianBlur(0.8))))
    assert result.text == "" and result.lines == []
    assert result.low_confidence and result.confidence < ocr.CONFIDENT


def test_line_confidence_comes_from_the_words_weighted_by_characters() -> None:
    header = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"
    rows = ["5\t1\t1\t1\t1\t1\t10\t10\t20\t20\t90\t食堂", "5\t1\t1\t1\t1\t2\t40\t12\t10\t20\t30\t卡",
            "5\t1\t1\t1\t2\t1\t10\t50\t10\t20\t-1\t礼"]
    lines = ocr.parse_tsv("\n".join([header, *rows]))
    assert [(line.text, line.box) for line in lines] == [("食堂卡", (10, 10, 50, 32)), ("礼", (10, 50, 20, 70))]
    assert lines[0].confidence == pytest.approx(70.0) and lines[1].confidence == 0.0
    assert ocr.page_confidence(lines) == pytest.approx((3 * 70.0 + 0.0) / 4)
