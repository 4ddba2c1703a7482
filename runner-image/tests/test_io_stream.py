"""RedisIOStream and RedisLink against a real redis-server (no waldiez run needed)."""

from __future__ import annotations

import io
import json
import logging
import threading
import time
from typing import Any, Iterator

import pytest
import redis

from waldiez_task_runner import protocol
from waldiez_task_runner.io_stream import InputCancelled, RedisIOStream
from waldiez_task_runner.protocol import Status
from waldiez_task_runner.redis_link import RedisLink, RedisOptions, RedisUnavailable, connect

from .conftest import free_port


@pytest.fixture()
def link(redis_url: str, task_id: str) -> Iterator[RedisLink]:
    client = redis.Redis.from_url(redis_url, socket_timeout=10)
    yield RedisLink(client, task_id, io.StringIO(), output_maxlen=50, global_maxlen=1000, key_ttl=120)
    client.close()


def entries(r: "redis.Redis[str]", key: str) -> list[dict[str, str]]:
    return [fields for _id, fields in r.xrange(key)]


def test_print_and_send_write_both_streams_and_stdout(link: RedisLink, r: "redis.Redis[str]") -> None:
    stream = RedisIOStream(link, input_timeout=1)
    stream.print("Hello", "World")
    stream.print("a", "b", sep="-", end="!")

    class FakeEvent:
        def model_dump(self, mode: str = "python", **_: Any) -> dict[str, Any]:
            return {"type": "text", "content": {"content": "Hi", "sender": "A", "recipient": "B"}}

    stream.send(FakeEvent())
    out = entries(r, link.keys.output)
    assert [e["data"] for e in out[:2]] == ["Hello World\n", "a-b!"]
    assert all(e["type"] == "print" and e["task_id"] == link.task_id for e in out)
    assert json.loads(out[2]["data"]) == {"type": "text", "content": {"content": "Hi", "sender": "A", "recipient": "B"}}
    # protocol v2: output goes to the task's own stream only (no global copy any run could read)
    assert not r.exists("task-output")
    transcript = link.transcript.getvalue()  # type: ignore[attr-defined]
    assert "[print] Hello World" in transcript and "[A -> B] Hi" in transcript


def test_an_entry_reaches_redis_before_the_local_echo(link: RedisLink, r: "redis.Redis[str]") -> None:
    """Nothing between an entry's timestamp and its XADD but the XADD (notes item 18): the echo comes after."""
    seen_in_redis: list[int] = []

    class Transcript(io.StringIO):
        def write(self, text: str) -> int:
            seen_in_redis.append(r.xlen(link.keys.output))
            return super().write(text)

    link.transcript = Transcript()
    RedisIOStream(link, input_timeout=1).print("first")
    assert seen_in_redis == [1]


def test_output_stream_is_capped(link: RedisLink, r: "redis.Redis[str]") -> None:
    stream = RedisIOStream(link, input_timeout=1)
    for i in range(500):
        stream.print(f"line {i}")
    # MAXLEN ~ trims whole macro nodes: bounded, but not exact
    assert r.xlen(link.keys.output) < 500


def test_answer_written_before_the_wait_is_used(link: RedisLink, r: "redis.Redis[str]") -> None:
    stream = RedisIOStream(link, input_timeout=5)
    r.xadd(link.keys.input_response, {"request_id": "req-early", "data": "early bird", "source": "test"})
    assert stream.wait_for_answer("req-early") == "early bird"


def test_wrong_request_id_is_ignored_and_logged(link: RedisLink, r: "redis.Redis[str]",
                                                caplog: pytest.LogCaptureFixture) -> None:
    stream = RedisIOStream(link, input_timeout=0.6)
    r.xadd(link.keys.input_response, {"request_id": "someone-else", "data": "not for you"})
    with caplog.at_level(logging.WARNING):
        assert stream.wait_for_answer("mine") is None
    assert any("someone-else" in m and "waiting for mine" in m for m in caplog.messages)


def test_malformed_entries_are_skipped_then_the_valid_answer_wins(
        link: RedisLink, r: "redis.Redis[str]", caplog: pytest.LogCaptureFixture) -> None:
    stream = RedisIOStream(link, input_timeout=5)
    key = link.keys.input_response
    r.xadd(key, {"data": "no request id"})
    r.xadd(key, {"request_id": "rq"})
    r.xadd(key, {"payload": "{this is not json"})
    r.xadd(key, {"payload": json.dumps({"request_id": ["rq"], "data": 1})})
    r.xadd(key, {"request_id": "rq", "data": b"\xff\xfe".decode("latin-1").encode("latin-1")})  # not UTF-8
    r.xadd(key, {"request_id": "rq", "data": "the real one"})
    with caplog.at_level(logging.WARNING):
        assert stream.wait_for_answer("rq") == "the real one"
    malformed = [m for m in caplog.messages if "malformed" in m]
    assert len(malformed) == 5


def test_an_answer_is_never_used_twice(link: RedisLink, r: "redis.Redis[str]") -> None:
    stream = RedisIOStream(link, input_timeout=0.6)
    r.xadd(link.keys.input_response, {"request_id": "once", "data": "first"})
    r.xadd(link.keys.input_response, {"request_id": "once", "data": "duplicate"})
    assert stream.wait_for_answer("once") == "first"
    # the duplicate is after the cursor: it is consumed as a mismatch for the next request
    assert stream.wait_for_answer("next") is None
    r.xadd(link.keys.input_response, {"request_id": "next", "data": "second"})
    assert stream.wait_for_answer("next") == "second"


def test_input_full_handshake(link: RedisLink, r: "redis.Redis[str]") -> None:
    stream = RedisIOStream(link, input_timeout=10)

    def answer_when_asked() -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            for e in entries(r, link.keys.output):
                if e["type"] == "input_request":
                    r.xadd(link.keys.input_response, {"request_id": e["request_id"], "data": "forty-two"})
                    return
            time.sleep(0.05)

    t = threading.Thread(target=answer_when_asked)
    t.start()
    assert stream.input("Your answer? ") == "forty-two"
    t.join()
    out = entries(r, link.keys.output)
    req, resp = out[0], out[1]
    assert req["type"] == "input_request" and req["data"] == "Your answer? " and req["password"] == "False"
    assert len(req["request_id"]) == 32
    assert resp == {**resp, "type": "input_response", "request_id": req["request_id"], "data": "forty-two"}
    statuses = [e for e in entries(r, link.keys.status)]
    assert [s["status"] for s in statuses] == ["WAITING_FOR_INPUT", "RUNNING"]
    assert json.loads(statuses[0]["data"]) == {"request_id": req["request_id"], "prompt": "Your answer? ",
                                               "password": False}
    assert statuses[1]["data"] == "null"


def test_input_timeout_uses_empty_default_and_says_so(link: RedisLink, r: "redis.Redis[str]") -> None:
    stream = RedisIOStream(link, input_timeout=0.5)
    assert stream.input(">") == ""
    out = entries(r, link.keys.output)
    assert [e["type"] for e in out] == ["input_request", "print", "input_response"]
    assert "No input received within 0.5 seconds" in out[1]["data"]
    assert out[2]["data"] == ""


def test_password_answer_is_masked_everywhere(link: RedisLink, r: "redis.Redis[str]") -> None:
    stream = RedisIOStream(link, input_timeout=5)
    r.xadd(link.keys.input_response, {"request_id": "pw-1", "data": "hunter2"})
    assert stream.input("Password: ", password=True, request_id="pw-1") == "hunter2"
    out = entries(r, link.keys.output)
    assert out[0]["password"] == "True"
    assert out[-1]["data"] == "***"
    assert "hunter2" not in link.transcript.getvalue()  # type: ignore[attr-defined]
    waiting = json.loads(entries(r, link.keys.status)[0]["data"])
    assert waiting["password"] is True


def test_cancel_interrupts_the_wait(link: RedisLink) -> None:
    cancelled = threading.Event()
    stream = RedisIOStream(link, input_timeout=30, cancelled=cancelled)
    threading.Timer(0.3, cancelled.set).start()
    start = time.monotonic()
    with pytest.raises(InputCancelled):
        stream.input("never answered")
    assert time.monotonic() - start < 5


def test_single_final_status_and_ttl(link: RedisLink, r: "redis.Redis[str]") -> None:
    link.set_status(Status.RUNNING)
    assert link.set_status(Status.COMPLETED, {"results": []})
    assert not link.set_status(Status.FAILED, {"error": "late"})
    link.print_line("after the end")  # dropped: nothing follows the final status
    link.expire_keys()
    assert [e["status"] for e in entries(r, link.keys.status)] == ["RUNNING", "COMPLETED"]
    assert not r.exists(link.keys.output)
    ttl = r.ttl(link.keys.status)
    assert 0 < ttl <= 120


def test_connect_gives_up_with_a_clear_error() -> None:
    url = f"redis://:topsecret@127.0.0.1:{free_port()}/0"
    sleeps: list[float] = []
    with pytest.raises(RedisUnavailable) as info:
        connect(RedisOptions(url, retries=4, backoff_seconds=0.5), sleep=sleeps.append)
    assert sleeps == [0.5, 1.0, 2.0]
    assert "unreachable after 4 attempts" in str(info.value)
    assert "topsecret" not in str(info.value)
