"""Parsing raw mail (no server): encodings, names, malformed messages, and the IMAP answer parser."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.imapserver import b64, crlf, encoded_word, png_bytes
from xuncha.intake.mail import _attachments, _content, _fetch_items, _internaldate, build_report_input, imap_utf7_encode
from xuncha.intake.mail_parse import decode_bytes, decode_header_value, html_to_text, normalise_message_id, parse_mail
from xuncha.intake.models import Mailbox

PNG = png_bytes()


def test_header_encodings() -> None:
    assert decode_header_value(encoded_word("巡察组您好", "gb2312", label="GB2312")) == "巡察组您好"
    assert decode_header_value(encoded_word("陶喆", "gbk", label="gb2312")) == "陶喆"  # GBK text labelled GB2312
    assert decode_header_value(encoded_word("反映𠮷野家问题", "gb18030")) == "反映𠮷野家问题"
    assert decode_header_value(encoded_word("關於校長的反映", "big5")) == "關於校長的反映"
    assert decode_header_value(encoded_word("关于某处长的反映", "utf-8", "Q")) == "关于某处长的反映"
    assert decode_header_value("Re: " + encoded_word("会议", "utf-8") + " 安排") == "Re: 会议 安排"
    assert decode_header_value("plain ascii") == "plain ascii"
    assert decode_header_value("=?utf-8?B?not-base64!!?=") != ""  # broken encoded word: kept, never raises


def test_raw_8bit_headers_are_decoded() -> None:
    raw = b"From: \xd5\xc5\xc8\xfd <zs@example.cn>\r\nSubject: \xb9\xd8\xd3\xda\xb7\xb4\xd3\xb3\r\n\r\nbody\r\n"  # GBK, no MIME
    parsed = parse_mail(raw)
    assert (parsed.subject, parsed.from_name, parsed.from_address) == ("关于反映", "张三", "zs@example.cn")
    utf8 = "Subject: 直接写的UTF-8主题\r\nFrom: a@b.cn\r\n\r\nx".encode()
    assert parse_mail(utf8).subject == "直接写的UTF-8主题"


def test_body_charsets() -> None:
    assert decode_bytes("处长".encode("gbk"), "gb2312") == ("处长", "")
    assert decode_bytes("处长".encode("gbk"), "utf-8") == ("处长", "")  # mislabelled GBK: strict UTF-8 fails, GB18030 next
    assert decode_bytes("处长".encode(), "us-ascii") == ("处长", "")
    text, problem = decode_bytes(b"\xff\xfe\xfa", "x-martian")
    assert problem.startswith("未知字符集")
    assert decode_bytes("处长".encode("gb18030"), "x-unknown") == ("处长", "")


def test_rfc2231_filenames_in_gbk_and_continuations() -> None:
    from urllib.parse import quote

    name = quote("举报材料（第二批）.png".encode("gbk"))
    raw = crlf(f"""From: a@b.cn
Subject: x
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b"

--b
Content-Type: text/plain; charset=utf-8

x
--b
Content-Type: image/png
Content-Disposition: attachment; filename*0*=gbk''{name[:21]}; filename*1*={name[21:]}
Content-Transfer-Encoding: base64

{b64(PNG)}
--b--
""")
    parsed = parse_mail(raw)
    assert [a.filename for a in parsed.attachments] == ["举报材料（第二批）.png"]
    assert parsed.attachments[0].content == PNG and not parsed.problems


def test_html_only_and_forwarded_mail() -> None:
    html = "<html><head><style>p{}</style></head><body><p>第一段&amp;说明</p><div>第二段<br>第三行</div><script>x()</script></body></html>"
    raw = crlf(f"""From: a@b.cn
Subject: html
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b"

--b
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: base64

{b64(html.encode())}
--b
Content-Type: message/rfc822

From: {encoded_word("原发件人", "utf-8")} <orig@example.cn>
Subject: {encoded_word("原始反映", "utf-8")}
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: base64

{b64("被转发的内容".encode())}
--b--
""")
    parsed = parse_mail(raw)
    assert parsed.body.startswith("第一段&说明\n\n第二段\n第三行")
    assert "——— 转发的邮件 ———" in parsed.body and "主题：原始反映" in parsed.body and "被转发的内容" in parsed.body
    assert "x()" not in parsed.body and "p{}" not in parsed.body
    assert html_to_text("<p>a</p><p>b</p>") == "a\n\nb"


def test_malformed_messages_never_raise() -> None:
    for raw in (b"", b"\x00\xff\xfe garbage", b"Content-Type: multipart/mixed\r\n\r\nno boundary at all",
                crlf("Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n5Lit5paH!!!===x")):
        parsed = parse_mail(raw)
        assert parsed.message_id.endswith("@xuncha>") and not parsed.has_message_id
    parsed = parse_mail(b"Content-Type: multipart/mixed\r\n\r\nno boundary at all")
    assert parsed.problems and "no boundary at all" in parsed.body


def test_message_id_and_dates() -> None:
    assert normalise_message_id(" <a@b>\r\n ") == "<a@b>"
    long_id = "<" + "x" * 300 + "@example.org>"
    assert normalise_message_id(long_id).endswith("@xuncha>") and len(normalise_message_id(long_id)) < 255
    parsed = parse_mail(b"Date: Fri, 20 Nov 2026 10:15:00 -0000\r\nFrom: a@b.cn\r\n\r\nx")
    assert parsed.date == dt.datetime(2026, 11, 20, 10, 15, tzinfo=dt.UTC)
    assert parse_mail(b"Date: yesterday\r\n\r\nx").date is None


def test_imap_helpers() -> None:
    assert imap_utf7_encode("INBOX") == "INBOX"
    assert imap_utf7_encode("收件箱") == "&ZTZO9nux-"
    assert imap_utf7_encode("A&B") == "A&-B"
    # Dovecot, Exchange and others order the items differently; the UID may come after the literal.
    data: list[Any] = [
        (b'1 (UID 5 INTERNALDATE "20-Nov-2026 10:15:00 +0800" BODY[HEADER.FIELDS (MESSAGE-ID)] {10}', b"Message-ID"), b")",
        (b"2 (BODY[HEADER.FIELDS (MESSAGE-ID)] {3}", b"abc"), b' UID 9 INTERNALDATE " 1-Dec-2026 08:00:00 +0000")',
        b"3 (UID 12)",
    ]
    items = list(_fetch_items(data))
    assert [(meta.split()[0], literal) for meta, literal in items] == [(b"1", b"Message-ID"), (b"2", b"abc"), (b"3", None)]
    assert b"UID 9" in items[1][0]
    assert _internaldate(items[0][0]) == dt.datetime(2026, 11, 20, 10, 15, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert _internaldate(items[1][0]) == dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)


def _attachment_mail(parts: list[tuple[str, bytes]]) -> bytes:
    body = "".join(f"--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"{name}\"\r\n"
                   f"Content-Transfer-Encoding: base64\r\n\r\n{b64(data)}\r\n" for name, data in parts)
    return crlf("From: a@b.cn\nSubject: files\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b\"\n\n") + \
        body.encode() + b"--b--\r\n"


def test_attachment_limits(settings: Any) -> None:
    settings.ATTACHMENT_MAX_COUNT = 2
    parsed = parse_mail(_attachment_mail([("a.png", PNG), ("b.txt", b"plain text"), ("c", PNG), ("d.png", PNG)]))
    files, rejected = _attachments(parsed)
    assert [f.name for f in files] == ["a.png", "c.png"]
    assert len(rejected) == 2 and "b.txt" in rejected[0] and "数量上限" in rejected[1]


def test_long_text_is_truncated_and_kept() -> None:
    raw = crlf("From: a@b.cn\nSubject: long\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n") + \
        crlf(b64(("很长的反映内容。" * 4000).encode()))
    content, truncated = _content(parse_mail(raw))
    assert truncated and len(content) <= 20_000 and content.endswith("完整内容见原始邮件）")


@pytest.mark.django_db
def test_report_input_rules(demo: dict[str, Any]) -> None:
    channel = demo["practice"].channels.get(kind="email")
    mailbox = Mailbox(channel=channel, host="h", username="u", password_sealed="")
    anon = build_report_input(mailbox=mailbox, raw=crlf("Subject: x\nDate: Fri, 20 Nov 2026 10:15:00 +0800\n\n正文"))
    assert anon.reporter is None and anon.needs_attention.startswith("邮件格式异常：无法识别发件人地址")
    assert anon.raw_source is not None
    named = build_report_input(mailbox=mailbox, raw=crlf(f"From: {encoded_word('王五', 'utf-8')} <ww@example.cn>\nSubject: x\n\n正文"))
    assert named.reporter is not None and (named.reporter.name, named.reporter.email) == ("王五", "ww@example.cn")
    assert named.raw_source is None and named.needs_attention == "" and named.kind == "email"
    assert named.content == "主题：x\n\n正文"
    empty = build_report_input(mailbox=mailbox, raw=crlf("From: a@b.cn\n\n"))
    assert empty.content == "主题：（无主题）\n\n（邮件无正文）"
