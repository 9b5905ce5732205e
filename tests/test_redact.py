"""Redaction: planted secrets and personal data never survive, placeholders are consistent, restore gives them back.

Every fake secret here is assembled at run time, so no tracked file holds anything that looks like a real key.
"""

from __future__ import annotations

import threading

import pytest

from core.redact import KINDS, Redactor, valid_cn_id

OPENAI_KEY = "sk-" + "a1B2" * 10
AWS_KEY = "AKIA" + "Q" * 16
AWS_SECRET = "wJalr" + "X" * 30 + "EXAMP"
JWT = "eyJ" + "hbGciOiJIUzI1NiJ9" + ".eyJ" + "zdWIiOiIxMjM0NTY3ODkwIn0" + "." + "s" * 43
BEARER = "tok" + "en" * 10 + ".abc"
PEM = "-----BEGIN RSA " + "PRIVATE KEY-----\nMIIEow" + "A" * 60 + "\nBBBB\n-----END RSA " + "PRIVATE KEY-----"
CN_ID = "11010519491231002X"  # a textbook example: checksum valid
PHONE = "138" + "1234" + "5678"


def _planted() -> str:
    return "\n".join([
        f"2026-11-20 14:00:01 ERROR 调用支付网关失败，api_key={OPENAI_KEY} 用户手机{PHONE}，请联系",
        f"用户邮箱：zhang.san@example.com；身份证号{CN_ID}。",
        f"aws_access_key_id={AWS_KEY} aws_secret_access_key = {AWS_SECRET}",
        f"Authorization: Bearer {BEARER}",
        f"curl -H 'X-Token: x' https://svc.local/api?jwt={JWT}",
        "jdbc:mysql://order_app:" + "Pa55" + "w0rd!@db-primary:3306/shop",
        "spring.datasource.password=" + "hunter" + "2hunter2",
        'config: {"secret": "' + "s3cr3t" + 'value"}',
        "密码：" + "mima" + "123456",
        f"联系人电话 +86 {PHONE[:3]} {PHONE[3:7]} {PHONE[7:]}，国外同事 +1 415 555 2671",
        PEM,
    ])


SECRETS = [OPENAI_KEY, PHONE, "zhang.san@example.com", CN_ID, AWS_KEY, AWS_SECRET, BEARER, JWT, "Pa55w0rd!",
           "hunter2hunter2", "s3cr3tvalue", "mima123456", "+1 415 555 2671", "MIIEow"]


def test_every_planted_secret_is_replaced_in_chinese_and_english_text() -> None:
    redactor = Redactor()
    out = redactor.redact(_planted())
    leaked = [s for s in SECRETS if s in out]
    assert leaked == []
    # The Chinese text around the secrets survives, so the model can still read the line.
    assert "调用支付网关失败" in out and "用户手机<PHONE_1>，请联系" in out and "身份证号<CN_ID_1>。" in out
    assert "spring.datasource.password=<SECRET_" in out  # the key name stays, only the value goes
    assert "jdbc:mysql://order_app:<URL_PASSWORD_1>@db-primary" in out
    counts = redactor.counts()
    for kind in ("API_KEY", "PHONE", "EMAIL", "CN_ID", "AWS_KEY", "AWS_SECRET", "BEARER", "JWT", "URL_PASSWORD",
                 "SECRET", "PRIVATE_KEY"):
        assert counts.get(kind, 0) >= 1, kind
    assert set(counts) <= set(KINDS)


def test_the_same_value_gets_the_same_placeholder_across_calls_and_restore_round_trips() -> None:
    redactor = Redactor()
    first = redactor.redact(f"mail ops@example.com then {OPENAI_KEY}")
    second = redactor.redact(f"again ops@example.com, other dev@example.com, {OPENAI_KEY}")
    assert first == "mail <EMAIL_1> then <API_KEY_1>"
    assert second == "again <EMAIL_1>, other <EMAIL_2>, <API_KEY_1>"
    assert redactor.restore("The model says <EMAIL_2> owns it; <EMAIL_9> is unknown") == \
        "The model says dev@example.com owns it; <EMAIL_9> is unknown"
    text = _planted()
    assert redactor.restore(redactor.redact(text)) == text
    assert redactor.distinct()["EMAIL"] == 3
    assert OPENAI_KEY not in repr(redactor) and "example.com" not in repr(redactor)


def test_a_turn_redactor_tallies_its_own_replacements() -> None:
    from core.redact import TurnRedactor

    shared = Redactor()
    shared.redact("a@example.com")
    turn = TurnRedactor(shared)
    assert turn.redact(f"a@example.com {PHONE} {PHONE}") == "<EMAIL_1> <PHONE_1> <PHONE_1>"
    assert dict(turn.tally) == {"EMAIL": 1, "PHONE": 2} and shared.counts() == {"EMAIL": 2, "PHONE": 2}
    assert turn.restore("<PHONE_1>") == PHONE


def test_redacting_twice_changes_nothing_and_counts_only_real_values() -> None:
    redactor = Redactor()
    once = redactor.redact(f"token={OPENAI_KEY} phone {PHONE}")
    assert redactor.redact(once) == once
    assert redactor.distinct() == {"API_KEY": 1, "PHONE": 1}


@pytest.mark.parametrize("text", [
    "trace a13812345678f span", "epoch 1732089600000 ms", "2026-11-20T14:05:00+08:00", "order 1000042 placed",
    "sha 0c46d3f118181ee42396acd2d93f39381e314f0c", "max_tokens: 2048", "E12 [commit] StockService.java:13",
    "110105194912310021 is not a valid id",  # wrong check digit
])
def test_ordinary_log_content_is_left_alone(text: str) -> None:
    assert Redactor().redact(text) == text


def test_resident_id_checksum() -> None:
    assert valid_cn_id(CN_ID) and valid_cn_id(CN_ID.lower())
    assert not valid_cn_id("110105194912310021")
    assert not valid_cn_id("110105194913310028")  # month 13


def test_concurrent_redaction_keeps_one_mapping() -> None:
    redactor = Redactor()
    results: list[str] = []

    def work() -> None:
        for _ in range(50):
            results.append(redactor.redact("a@example.com b@example.com"))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert set(results) == {"<EMAIL_1> <EMAIL_2>"}
