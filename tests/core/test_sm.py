from xuncha.core.sm import sm3_hex, sm3_hmac_hex


def test_sm3_standard_vector() -> None:
    # GB/T 32905-2016 example 1: SM3("abc").
    assert sm3_hex(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def test_sm3_hmac_depends_on_key() -> None:
    assert sm3_hmac_hex(b"k1", b"data") != sm3_hmac_hex(b"k2", b"data")
    assert len(sm3_hmac_hex(b"k1", b"data")) == 64
