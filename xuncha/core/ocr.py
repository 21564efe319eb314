"""Reading text off scanned letters (OCR), offline: Debian's tesseract with its simplified-Chinese data
(`tesseract-ocr`, `tesseract-ocr-chi-sim`; chosen by measurement, bench/ocr.py and docs/deploy.md).

`ocr_image(content)` returns the text and each line with its box in the image's pixels, the engine's mean
confidence and whether it is low. The engine runs as a child process with a time limit; images are bounded
in pixels before they reach it (decompression bombs), straightened by the engine within small angles (a
letter fed crooked) and, when read upright with very low confidence, turned by 90/180/270 degrees (the
engine's orientation detection proposes the first turn to try; the first that reads as text is kept). On a
low-confidence page the lines of invented characters (texture, handwriting) are dropped.
Pure Python (no Django): the caller decides when and where it runs.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image

ENGINE = "tesseract"
MAX_PIXELS = 40_000_000  # ~ an A4 page at 600 dpi; larger images are scaled down first
TIMEOUT_SECONDS = 120  # for the whole reading of one image, every engine run together
# Below this mean confidence (0-100, weighted by characters) an upright reading may be of a turned page:
# measured (bench/ocr.py), the right orientation reads at 45-92 (a photographed tag to a clean letter),
# the three wrong ones at 7-26, every page alike.
UPRIGHT = 35.0
# A page read below this mean confidence is "low confidence": the member is told to check the text against
# the original (LOW_CONFIDENCE_NOTICE) and its lines read below LINE_MIN_CONFIDENCE are dropped. Measured:
# generated letters read at 85-93, a photographed book page at 85, photos of labels, tickets and tags at
# 45-57; lines of characters invented out of texture or handwriting at 0-35, while on a confident page
# a short true line (a letter's closing) may read as low as 6 and is kept. On a page read below UPRIGHT in
# every orientation, lines below CONFIDENT are dropped (single invented words of noise read at up to 51).
CONFIDENT = 70.0
LINE_MIN_CONFIDENCE = 40.0
LOW_CONFIDENCE_NOTICE = "识别可信度低，请对照原件。"
_ROTATE = re.compile(r"^Rotate:\s*(\d+)", re.MULTILINE)
_HAN_GAP = re.compile(r"(?<=[\u3000-\u303f\u3400-\u9fff\uff00-\uffef])\s+(?=[\u3000-\u303f\u3400-\u9fff\uff00-\uffef])")


class OcrError(Exception):
    """The engine is missing, timed out or failed; the message is Chinese."""


@dataclass
class Line:
    text: str
    box: tuple[int, int, int, int]  # x0, y0, x1, y1
    confidence: float = 0.0  # the engine's, 0-100


@dataclass
class OcrResult:
    text: str
    lines: list[Line] = field(default_factory=list)
    engine: str = ENGINE
    confidence: float = 0.0  # mean over the characters read, 0-100
    low_confidence: bool = False  # tell the member: LOW_CONFIDENCE_NOTICE
    turned: int = 0  # degrees clockwise the page was turned before it was read
    dropped_lines: int = 0  # lines read below LINE_MIN_CONFIDENCE on a low-confidence page


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


def _prepared(content: bytes) -> tuple[Image.Image, float]:
    """The image in grey, bounded in pixels, exif rotation applied, and the factor from its pixels back to
    those of the image as shown (after the exif rotation): the boxes are given in the latter."""
    from PIL import Image, ImageOps

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS * 4  # beyond this Pillow refuses outright (a bomb)
    with Image.open(io.BytesIO(content)) as img:
        img.seek(0)
        w, h = img.size
        if w * h > MAX_PIXELS:
            scale = (MAX_PIXELS / (w * h)) ** 0.5
            img.draft("L", (int(w * scale), int(h * scale)))
        shown = ImageOps.exif_transpose(img)
        shown_width = shown.width * (w / img.size[0])  # img.draft may have decoded it smaller
        grey = shown.convert("L")
        if grey.width * grey.height > MAX_PIXELS:
            scale = (MAX_PIXELS / (grey.width * grey.height)) ** 0.5
            grey = grey.resize((int(grey.width * scale), int(grey.height * scale)))
    return grey, shown_width / grey.width


def parse_tsv(tsv: str) -> list[Line]:
    """Tesseract's TSV: one row per word (level 5) with its block, paragraph and line numbers and its
    confidence (0-100); words of one line are joined, their boxes united and their confidences averaged
    (weighted by characters)."""
    lines: dict[tuple[str, str, str], list[tuple[str, int, int, int, int, float]]] = {}
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        try:
            left, top, width, height = (int(c) for c in cols[6:10])
            conf = max(0.0, float(cols[10]))
        except ValueError:
            continue
        word = cols[11].strip()
        lines.setdefault((cols[2], cols[3], cols[4]), []).append((word, left, top, left + width, top + height, conf))
    out: list[Line] = []
    for words in lines.values():
        text = tidy(" ".join(w[0] for w in words))
        if text:
            chars = sum(len(w[0]) for w in words)
            out.append(Line(text, (min(w[1] for w in words), min(w[2] for w in words),
                                   max(w[3] for w in words), max(w[4] for w in words)),
                            sum(len(w[0]) * w[5] for w in words) / chars))
    return out


def page_confidence(lines: list[Line]) -> float:
    """The mean confidence of what was read, weighted by characters (0 when nothing was)."""
    chars = sum(len(line.text) for line in lines)
    return sum(len(line.text) * line.confidence for line in lines) / chars if chars else 0.0


def _tesseract(path: str, args: list[str], deadline: float) -> str:
    timeout = deadline - time.monotonic()
    if timeout <= 0:
        raise subprocess.TimeoutExpired("tesseract", 0)
    proc = subprocess.run(  # noqa: S603 - fixed program, arguments are ours
        ["tesseract", path, "stdout", *args],  # noqa: S607
        capture_output=True, text=True, timeout=timeout, check=False,
        env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    if proc.returncode != 0:
        raise _EngineFailed(proc.stderr.strip()[:200])
    return proc.stdout


class _EngineFailed(Exception):
    pass


def _read(img: Image.Image, tmp: str, lang: str, deadline: float) -> list[Line]:
    path = os.path.join(tmp, "page.png")
    img.save(path, format="PNG")
    return parse_tsv(_tesseract(path, ["-l", lang, "--psm", "6", "-c", "preserve_interword_spaces=1", "tsv"], deadline))


def _orientation(img: Image.Image, tmp: str, deadline: float) -> int:
    """The clockwise turn (0, 90, 180, 270) tesseract's orientation detection proposes; 0 when it cannot
    tell (too little text)."""
    path = os.path.join(tmp, "page.png")
    img.save(path, format="PNG")
    try:
        out = _tesseract(path, ["--psm", "0"], deadline)
    except _EngineFailed:
        return 0
    found = _ROTATE.search(out)
    return int(found.group(1)) % 360 if found else 0


def _turned(img: Image.Image, degrees: int) -> Image.Image:
    """The image turned clockwise by a multiple of 90 degrees."""
    from PIL import Image

    method = {90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_90}
    return img.transpose(method[degrees]) if degrees in method else img


def _box_back(box: tuple[int, int, int, int], degrees: int, size: tuple[int, int], factor: float) -> tuple[int, int, int, int]:
    """A box read on the image turned clockwise by `degrees` (the turned image is `size`), in the pixels of
    the image as shown."""
    w, h = size
    x0, y0, x1, y1 = box
    if degrees == 90:  # the turned image's (x, y) is the original's (y, w - x)
        x0, y0, x1, y1 = y0, w - x1, y1, w - x0
    elif degrees == 180:
        x0, y0, x1, y1 = w - x1, h - y1, w - x0, h - y0
    elif degrees == 270:
        x0, y0, x1, y1 = h - y1, x0, h - y0, x1
    return (round(x0 * factor), round(y0 * factor), round(x1 * factor), round(y1 * factor))


def _best_turn(img: Image.Image, tmp: str, lang: str, deadline: float,
               upright: list[Line], confidence: float) -> tuple[int, list[Line], float]:
    """A page read upright with very low confidence is turned or not text: read it turned (the turn the
    engine's orientation detection proposes first, then the others) until one reads at UPRIGHT or more,
    and keep that one; if none does (texture, handwriting), or the deadline comes or the engine fails
    first, the upright one."""
    try:
        proposed = _orientation(img, tmp, deadline)
        for turn in dict.fromkeys((proposed, 90, 270, 180)):
            if turn == 0:
                continue
            lines = _read(_turned(img, turn), tmp, lang, deadline)
            if page_confidence(lines) >= UPRIGHT:
                return turn, lines, page_confidence(lines)
    except (subprocess.TimeoutExpired, _EngineFailed):  # the upright reading is still a reading
        pass
    return 0, upright, confidence


def ocr_image(content: bytes, *, lang: str = "chi_sim", timeout: int = TIMEOUT_SECONDS) -> OcrResult:
    """Read the image upright first; a page read with very low confidence (below UPRIGHT) is read turned
    by 90/180/270 degrees too (_best_turn). On a page read with low confidence (below CONFIDENT) the lines
    below LINE_MIN_CONFIDENCE (below CONFIDENT on a page read below UPRIGHT) are dropped (characters
    invented out of texture or handwriting) and the result is flagged `low_confidence`. The whole call,
    all engine runs together, is bounded by `timeout` seconds."""
    if not engine_available():
        raise OcrError("未安装文字识别引擎 tesseract（apt-get install tesseract-ocr tesseract-ocr-chi-sim）。")
    try:
        img, factor = _prepared(content)
    except Exception as exc:  # noqa: BLE001 - any unreadable image is reported the same way
        raise OcrError(f"无法读取图片：{type(exc).__name__}") from exc
    deadline = time.monotonic() + timeout
    try:
        with tempfile.TemporaryDirectory() as tmp:
            lines = _read(img, tmp, lang, deadline)
            turn, confidence = 0, page_confidence(lines)
            if confidence < UPRIGHT:
                turn, lines, confidence = _best_turn(img, tmp, lang, deadline, lines, confidence)
    except subprocess.TimeoutExpired as exc:
        raise OcrError(f"文字识别超时（{timeout} 秒）。") from exc
    except OSError as exc:
        raise OcrError(f"无法运行文字识别引擎：{exc}") from exc
    except _EngineFailed as exc:
        raise OcrError(f"文字识别失败：{exc}") from exc
    low = confidence < CONFIDENT
    # A page that reads as text in no orientation (texture, handwriting) keeps only lines read confidently.
    floor = LINE_MIN_CONFIDENCE if confidence >= UPRIGHT else CONFIDENT
    kept = [line for line in lines if line.confidence >= floor] if low else lines
    size = _turned(img, turn).size
    kept = [Line(line.text, _box_back(line.box, turn, size, factor), line.confidence) for line in kept]
    return OcrResult("\n".join(line.text for line in kept), kept, confidence=round(confidence, 1),
                     low_confidence=low, turned=turn, dropped_lines=len(lines) - len(kept))
