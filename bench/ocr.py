"""OCR engines measured on generated scanned letters: character error rate (CER) and pages per hour.

Letters are rendered with Pillow in the project's CJK font (WenQuanYi Micro Hei), as a scanner at
~150 dpi would give them: grey paper, speckle noise, a slight blur, a small rotation. A "hand" variant
jitters each character (offset, size, angle) to imitate handwriting; the machine has no handwriting font,
so this measures ragged print rather than real handwriting. A "turned" variant is the scanned letter
turned by 90, 180 or 270 degrees (a page fed sideways or upside down).

    python bench/ocr.py --engine tesseract            # Debian tesseract-ocr + tesseract-ocr-chi-sim
    /work/ocr-venv/bin/python bench/ocr.py --engine rapidocr   # rapidocr-onnxruntime (PyPI, models inside)
    python bench/ocr.py --letters 12 --seed 7
    python bench/ocr.py --real bench/data/real_scans            # real photographed/scanned images

Prints per style (clean / scanned / hand / turned): letters, characters, CER, seconds per page, pages per hour on
one core (each engine is held to one thread: the server has 2 cores for everything).

With --real DIR the generated letters are skipped: every image in DIR (.jpg/.jpeg/.png) that has a
transcription beside it (same name, .txt) is read --repeat times; printed per image and overall (weighted
by characters): CER, the CER over Han characters only (Latin, digits and punctuation dropped from both
sides), and seconds per image (median of the repeats), then the median and p95 over all runs.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
SENTENCES = [
    "尊敬的巡察组领导：", "我是学院的一名教师，现反映以下问题。", "学院后勤处处长利用职务便利，",
    "在食堂承包过程中指定其亲属经营，", "收受承包商购物卡和礼金共计三万余元。", "去年学院采购实验设备时价格明显偏高，",
    "经办人与供应商存在利益输送。", "财务报销中存在虚开发票、套取科研经费的情况。", "学院领导班子违规发放津贴补贴，",
    "公车私用现象突出，节假日常见公车出入景区。", "请巡察组依纪依规调查处理。", "此致", "敬礼",
    "干部选拔任用程序不规范，民主推荐走过场。", "基层党组织三会一课流于形式，组织生活不严肃。",
    "违反中央八项规定精神，大吃大喝，超标准接待。",
]


def letter_text(rng: random.Random) -> str:
    body = rng.sample(SENTENCES[1:11] + SENTENCES[13:], 6)
    return "\n".join([SENTENCES[0], *body, SENTENCES[11], SENTENCES[12]])


def render(text: str, style: str, rng: random.Random) -> bytes:
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    size = 30
    font = ImageFont.truetype(FONT, size)
    img = Image.new("L", (1240, 1754), 255)  # A4 at 150 dpi
    draw = ImageDraw.Draw(img)
    y = 120
    for line in text.split("\n"):
        x = 110
        for ch in line:
            if style == "hand":
                s = size + rng.randint(-3, 3)
                glyph = Image.new("L", (s + 12, s + 12), 0)
                ImageDraw.Draw(glyph).text((6, 2), ch, fill=255, font=ImageFont.truetype(FONT, s))
                glyph = glyph.rotate(rng.uniform(-8, 8), resample=Image.Resampling.BICUBIC)
                img.paste(0, (x + rng.randint(-2, 2), y + rng.randint(-3, 3)), glyph)
                x += s + rng.randint(0, 4)
            else:
                draw.text((x, y), ch, fill=0, font=font)
                x += size + 2
        y += int(size * 1.9)
    if style in ("scanned", "hand", "turned"):
        img = img.rotate(rng.uniform(-1.5, 1.5), resample=Image.Resampling.BICUBIC, fillcolor=235)
        img = img.filter(ImageFilter.GaussianBlur(0.7))
        px = img.load()
        assert px is not None
        for _ in range(6000):
            px[rng.randrange(img.width), rng.randrange(img.height)] = rng.choice((0, 90, 180))
        img = img.point(lambda v: min(255, int(v * 0.92 + 12)))
    if style == "turned":  # a scanned letter fed sideways or upside down
        img = img.rotate(rng.choice((90, 180, 270)), expand=True)
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def cer(truth: str, got: str) -> float:
    """Levenshtein distance over characters, whitespace ignored, divided by the truth's length."""
    a = "".join(truth.split())
    b = "".join(got.split())
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1] / max(1, len(a))


_NOT_HAN = re.compile(r"[^\u3400-\u9fff]")


def han_only(text: str) -> str:
    return _NOT_HAN.sub("", text)


def run_real(read: Callable[[bytes], str], folder: Path, repeat: int) -> None:
    """Reads each image with a transcription beside it; prints CER and seconds per image."""
    images = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".jpg", ".jpeg", ".png") and p.with_suffix(".txt").exists())
    if not images:
        raise SystemExit(f"no image with a .txt transcription in {folder}")
    print(f"{'image':26} {'chars':>5} {'CER':>7} {'Han':>5} {'Han CER':>8} {'s/image':>8}")
    chars = han_chars = 0
    errors = han_errors = 0.0
    runs: list[float] = []
    for path in images:
        truth = path.with_suffix(".txt").read_text(encoding="utf-8")
        content = path.read_bytes()
        times = []
        got = ""
        for _ in range(repeat):
            t0 = time.perf_counter()
            got = read(content)
            times.append(time.perf_counter() - t0)
        runs.extend(times)
        n, nh = len("".join(truth.split())), len(han_only(truth))
        c, ch = cer(truth, got), cer(han_only(truth), han_only(got))
        chars, han_chars = chars + n, han_chars + nh
        errors, han_errors = errors + c * n, han_errors + ch * nh
        print(f"{path.name:26} {n:>5} {c:>7.2%} {nh:>5} {ch:>8.2%} {statistics.median(times):>8.2f}")
    p95 = statistics.quantiles(runs, n=20, method="inclusive")[-1] if len(runs) >= 2 else runs[0]
    print(f"{'overall':26} {chars:>5} {errors / chars:>7.2%} {han_chars:>5} {han_errors / max(1, han_chars):>8.2%}"
          f" {statistics.median(runs):>8.2f}")
    print(f"seconds per image over {len(runs)} runs: median {statistics.median(runs):.2f}, p95 {p95:.2f}, max {max(runs):.2f}")


def engine(name: str) -> Callable[[bytes], str]:
    if name == "tesseract":
        from xuncha.core.ocr import ocr_image

        def tesseract(png: bytes) -> str:
            return ocr_image(png).text

        return tesseract
    if name == "rapidocr":
        from rapidocr_onnxruntime import RapidOCR  # only in the private venv of the comparison

        ocr = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1)

        def run(png: bytes) -> str:
            result, _ = ocr(png)
            return "\n".join(r[1] for r in (result or []))

        return run
    raise SystemExit(f"unknown engine {name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", default="tesseract", choices=["tesseract", "rapidocr"])
    parser.add_argument("--letters", type=int, default=6, help="letters per style")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--real", type=Path, metavar="DIR", help="images with .txt transcriptions beside them")
    parser.add_argument("--repeat", type=int, default=3, help="reads per real image (for the timing)")
    args = parser.parse_args()
    read = engine(args.engine)
    read(render("预热", "clean", random.Random(0)))  # load models once, outside the timing
    print(f"engine: {args.engine}")
    if args.real:
        run_real(read, args.real, max(1, args.repeat))
        return
    print(f"{'style':8} {'letters':>7} {'chars':>6} {'CER':>7} {'s/page':>7} {'pages/h':>8}")
    for style in ("clean", "scanned", "hand", "turned"):
        rng = random.Random(args.seed)
        chars, errors, seconds = 0, 0.0, 0.0
        pages: list[float] = []
        for _ in range(args.letters):
            text = letter_text(rng)
            png = render(text, style, rng)
            t0 = time.perf_counter()
            got = read(png)
            pages.append(time.perf_counter() - t0)
            seconds += pages[-1]
            n = len("".join(text.split()))
            chars += n
            errors += cer(text, got) * n
        per_page = seconds / args.letters
        p95 = statistics.quantiles(pages, n=20, method="inclusive")[-1] if len(pages) >= 2 else pages[0]
        print(f"{style:8} {args.letters:>7} {chars:>6} {errors / chars:>7.2%} {per_page:>7.2f} {3600 / per_page:>8.0f}"
              f"  median {statistics.median(pages):.2f} p95 {p95:.2f}")


if __name__ == "__main__":
    main()
