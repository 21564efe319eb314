"""Reading text off scanned letters (OCR), offline: Debian's tesseract with its simplified-Chinese data
(`tesseract-ocr`, `tesseract-ocr-chi-sim`; chosen by measurement, bench/ocr.py and docs/deploy.md).

`ocr_image(content)` returns the text and each line with its box in the image's pixels. The engine runs
as a child process with a time limit; images are bounded in pixels before they reach it (decompression
bombs) and straightened by the engine's orientation step only within small angles (a letter fed crooked).
Pure Python (no Django): the caller decides when and where it runs.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field

ENGINE = "tesseract"
MAX_PIXELS = 40_000_000  # ~ an A4 page at 600 dpi; larger images are scaled down first
TIMEOUT_SECONDS = 120
_HAN_GAP = re.compile(r"(?<=[\u3000-\u303f\u3400-\u9fff\uff00-\uffef])\s+(?=[\u3000-\u303f\u3400-\u9fff\uff00-\uffef])")


class OcrError(Exception):
    """The engine is missing, timed out or failed; the message is Chinese."""


@dataclass
class Line:
    text: str
    box: tuple[int, int, int, int]  # x0, y0, x1, y1


@dataclass
class OcrResult:
    text: str
    lines: list[Line] = field(default_factory=list)
    engine: str = ENGINE


def tidy(text: str) -> str:
    """Tesseract separates Chinese characters by spaces: join them again (Latin words keep theirs)."""
    return _HAN_GAP.sub("", text).strip()


def engine_available() -> bool:
    return shutil.which("tesseract") is not None


def engine_version() -> str:
    try:
        out = subprocess.run(["tesseract", "--version"], capture_output=True, text=True, timeout=10, check=False)  # noqa: S603, S607
    except (OSError, subprocess.SubprocessError):
        return ENGINE
    first = (out.stdout or out.stderr).splitlines()[:1]
    return first[0].strip() if first else ENGINE


def _prepared_png(content: bytes) -> bytes:
    """The image as a grey PNG the engine reads, bounded in pixels; exif rotation applied."""
    from PIL import Image, ImageOps

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS * 4  # beyond this Pillow refuses outright (a bomb)
    with Image.open(io.BytesIO(content)) as img:
        img.seek(0)
        w, h = img.size
        if w * h > MAX_PIXELS:
            scale = (MAX_PIXELS / (w * h)) ** 0.5
            img.draft("L", (int(w * scale), int(h * scale)))
        grey = ImageOps.exif_transpose(img).convert("L")
        if grey.width * grey.height > MAX_PIXELS:
            scale = (MAX_PIXELS / (grey.width * grey.height)) ** 0.5
            grey = grey.resize((int(grey.width * scale), int(grey.height * scale)))
    out = io.BytesIO()
    grey.save(out, format="PNG")
    return out.getvalue()


def parse_tsv(tsv: str) -> list[Line]:
    """Tesseract's TSV: one row per word (level 5) with its block, paragraph and line numbers; words of
    one line are joined and their boxes united."""
    lines: dict[tuple[str, str, str], list[tuple[str, int, int, int, int]]] = {}
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        try:
            left, top, width, height = (int(c) for c in cols[6:10])
        except ValueError:
            continue
        lines.setdefault((cols[2], cols[3], cols[4]), []).append((cols[11], left, top, left + width, top + height))
    out: list[Line] = []
    for words in lines.values():
        text = tidy(" ".join(w[0] for w in words))
        if text:
            out.append(Line(text, (min(w[1] for w in words), min(w[2] for w in words),
                                   max(w[3] for w in words), max(w[4] for w in words))))
    return out


def ocr_image(content: bytes, *, lang: str = "chi_sim", timeout: int = TIMEOUT_SECONDS) -> OcrResult:
    if not engine_available():
        raise OcrError("未安装文字识别引擎 tesseract（apt-get install tesseract-ocr tesseract-ocr-chi-sim）。")
    try:
        png = _prepared_png(content)
    except Exception as exc:  # noqa: BLE001 - any unreadable image is reported the same way
        raise OcrError(f"无法读取图片：{type(exc).__name__}") from exc
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "page.png")
        with open(path, "wb") as f:
            f.write(png)
        try:
            proc = subprocess.run(  # noqa: S603 - fixed program, arguments are ours
                ["tesseract", path, "stdout", "-l", lang, "--psm", "6", "-c", "preserve_interword_spaces=1", "tsv"],  # noqa: S607
                capture_output=True, text=True, timeout=timeout, check=False,
                env={**os.environ, "OMP_THREAD_LIMIT": "1"})
        except subprocess.TimeoutExpired as exc:
            raise OcrError(f"文字识别超时（{timeout} 秒）。") from exc
        except OSError as exc:
            raise OcrError(f"无法运行文字识别引擎：{exc}") from exc
    if proc.returncode != 0:
        raise OcrError(f"文字识别失败：{proc.stderr.strip()[:200]}")
    lines = parse_tsv(proc.stdout)
    return OcrResult("\n".join(line.text for line in lines), lines)
