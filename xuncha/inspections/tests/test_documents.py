"""The announcement (text, .docx) and the letterbox notice (PDF), reopened and read back."""

import io

import pytest
from docx import Document
from pypdf import PdfReader

from xuncha.inspections.urls_public import public_url


def docx_text(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


SEED_000_FACTS = [
    "省委教育工委提级巡察二组", "中国计量大学机电工程学院党委", "2024年9月25日", "15个工作日左右", "2024年10月18日",
    "0571-86837284", "工作日上午8:30-11:30，下午13:30-16:30", "tjxcz2@zjedu.gov.cn",
    "浙江省杭州市拱墅区文晖路321号省委教育工委1914室", "邮编310014", "仰仪南楼一楼西侧楼梯口", "仰仪中楼一楼西侧楼梯口",
]

SEED_001_FACTS = [
    "市委第五巡察组", "防城港职业技术学院党委", "2024年3月6日", "2024年6月21日", "18877009155",
    "工作日上午8:30-12:00，下午15:00-18:00", "防城港市邮政5号专用信箱", "图书馆一楼大厅过道", "食堂一楼", "1号教学楼一楼",
    "防城港开放大学二楼大厅", "防城港市红树林大厦1楼南厅巡察专栏", "2024年6月14日", "违反政治纪律、组织纪律、廉洁纪律",
]


@pytest.mark.django_db
@pytest.mark.parametrize(("seed", "facts"), [("seed000", SEED_000_FACTS), ("seed001", SEED_001_FACTS)])
def test_announcement_docx_has_every_fact(clients: dict, demo: dict, seed: str, facts: list[str]) -> None:
    inspection = demo[seed]
    response = clients["office"].get(f"/inspections/{inspection.pk}/announcement.docx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    text = docx_text(response.content)
    for fact in facts:
        assert fact in text, fact


@pytest.mark.django_db
def test_seed_001_announcement_states_the_early_close_of_intake(clients: dict, seed001) -> None:
    text = docx_text(clients["office"].get(f"/inspections/{seed001.pk}/announcement.docx").content)
    assert "巡察组受理信访时间为2024年3月6日至2024年6月14日" in text
    assert "工作至2024年6月21日" in text
    assert "等5处设置联系信箱" in text


@pytest.mark.django_db
def test_letterbox_notice_pdf_one_page_per_letterbox_with_the_portal_url(clients: dict, seed001) -> None:
    response = clients["office"].get(f"/inspections/{seed001.pk}/letterbox-notice.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 5
    first = reader.pages[0].extract_text()
    assert "巡察组联系信箱" in first
    assert "图书馆一楼大厅过道" in first
    assert "18877009155" in first
    assert public_url(seed001) in first.replace("\n", "")
    assert "防城港市红树林大厦1楼南厅巡察专栏" in reader.pages[4].extract_text()
    # The QR code is an embedded image on every page.
    assert all(len(page.images) == 1 for page in reader.pages)


@pytest.mark.django_db
def test_qr_code_encodes_the_public_url(seed000) -> None:
    from PIL import Image

    from xuncha.inspections.documents import qr_png

    image = Image.open(io.BytesIO(qr_png(public_url(seed000))))
    assert image.size[0] == image.size[1] > 200
    assert "/p/" + str(seed000.public_id) in public_url(seed000)


@pytest.mark.django_db
def test_announcement_text_of_a_year_without_holiday_data_says_so(demo: dict) -> None:
    import datetime as dt

    from xuncha.inspections.documents import announcement_text

    inspection = demo["practice"]
    inspection.start_date, inspection.end_date = dt.date(2027, 3, 1), dt.date(2027, 4, 1)
    assert "工作日暂按周一至周五计算" not in announcement_text(inspection)  # an internal note is never published
