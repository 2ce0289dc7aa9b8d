"""End to end over a real MQTT broker: a private Eclipse Mosquitto on a loopback port, the
example examples/python/mqtt_pipeline.py as a separate process, a generated sensor stream with
planted anomalies, malformed payloads and late events.

Skips when the mosquitto binary or paho-mqtt is absent, unless ODDKIT_REQUIRE_MQTT=1 (CI)."""

import json
import math
import os
import queue
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "python"
sys.path.insert(0, str(EXAMPLES))

from mosquitto_broker import MosquittoBroker, find_mosquitto

REQUIRED = os.environ.get("ODDKIT_REQUIRE_MQTT") == "1"
S = 10**9
ORIGIN = 1_704_067_200 * S


def need(condition, reason):
    if not condition:
        if REQUIRED:
            pytest.fail(reason + " (ODDKIT_REQUIRE_MQTT=1)")
        pytest.skip(reason)


def test_mqtt_pipeline_scores_every_event_and_reports_planted_anomalies(tmp_path):
    need(find_mosquitto() is not None, "mosquitto is not installed (apt-get install mosquitto)")
    try:
        import paho.mqtt.client  # noqa: F401
    except ImportError:
        need(False, "paho-mqtt is not installed")
    from mqtt_pipeline import make_client

    rng = np.random.default_rng(0)
    planted = {("dev1", 25), ("dev2", 40)}
    events = []
    for k in range(50 * 12):  # 50 minutes, one event per device every 5 s
        for d in range(3):
            device = f"dev{d}"
            temp = 20 + rng.normal() + (15 if (device, k // 12) in planted else 0)
            ts = ORIGIN + k * 5 * S + d
            stamp = ts if k % 10 else np.datetime_as_string(np.datetime64(ts, "ns")) + "Z"  # some ISO strings
            events.append(json.dumps({"device": device, "timestamp": stamp, "values": {"temp": temp}}).encode())
    valid = len(events)
    late = [json.dumps({"device": "dev0", "timestamp": ORIGIN + 60 * S, "values": {"temp": 99.0}}).encode()] * 3
    malformed = [b"not json", b'{"device": "dev0"}', b'{"device": "dev0", "timestamp": 1, "values": [1, 2]}',
                 b'{"device": "dev0", "timestamp": 1, "values": {"temp": "hot"}}', b"[]",
                 b'{"device": "dev0", "timestamp": 1.5, "values": {"temp": 1}}']
    stream = events[:900] + late + malformed[:3] + events[900:] + malformed[3:]

    with MosquittoBroker() as broker:
        received: queue.Queue = queue.Queue()
        listener = make_client("oddkit-test-listener")
        listener.on_message = lambda c, u, m: received.put((m.topic, m.payload))
        listener.connect(broker.host, broker.port)
        listener.subscribe([("test/anomalies", 1), ("test/anomalies/status", 1)])
        listener.loop_start()
        process = subprocess.Popen(
            [sys.executable, str(EXAMPLES / "mqtt_pipeline.py"), "--port", str(broker.port),
             "--input-topic", "test/events", "--output-topic", "test/anomalies", "--window", "1min",
             "--lateness", "10s", "--aggregations", '{"temp": ["mean", "max"]}',
             "--features", '{"lags": [1], "rolling": [3]}', "--detector", "zscore", "--threshold", "8",
             "--idle-timeout", "20", "--max-seconds", "120"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            anomalies, done = [], None

            def wait_for(predicate, timeout):
                deadline = time.monotonic() + timeout
                while time.monotonic() < deadline:
                    try:
                        topic, payload = received.get(timeout=0.2)
                    except queue.Empty:
                        if process.poll() is not None and received.empty():
                            break
                        continue
                    message = json.loads(payload)
                    if topic.endswith("/status"):
                        if predicate(message):
                            return message
                    else:
                        anomalies.append(message)
                return None

            assert wait_for(lambda m: m["status"] == "ready", 30) is not None, "the example never subscribed"
            publisher = make_client("oddkit-test-publisher")
            publisher.connect(broker.host, broker.port)
            publisher.loop_start()
            for payload in stream:
                publisher.publish("test/events", payload, qos=1)
            publisher.publish("test/events", b'{"end_of_stream": true}', qos=1).wait_for_publish(timeout=30)
            done = wait_for(lambda m: m["status"] == "done", 60)
            publisher.loop_stop()
            publisher.disconnect()
            out, err = process.communicate(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate(timeout=10)
            listener.loop_stop()
            listener.disconnect()
        assert process.returncode == 0, err
        assert done is not None, err
        stats = done["stats"]
        assert json.loads(out.strip().splitlines()[-1]) == stats
        # Every message was seen; malformed ones counted and logged; every valid event scored.
        assert stats["messages"] == len(stream)
        assert stats["malformed"] == len(malformed)
        assert err.count("skipped malformed payload") == len(malformed)
        assert stats["events"] == valid + len(late)
        assert stats["events_late"] == len(late)
        assert stats["events_accepted"] == valid == stats["events_windowed"]
        assert stats["windows_closed"] == 3 * 50
        assert stats["windows_scored"] + stats["windows_incomplete"] == stats["windows_closed"]
        assert stats["anomalies"] == len(anomalies)
        reported = {(a["device"], (a["window_start"] - ORIGIN) // (60 * S)) for a in anomalies}
        assert planted <= reported
        for a in anomalies:
            assert a["drivers"] and isinstance(a["score"], (float, str))
            if (a["device"], (a["window_start"] - ORIGIN) // (60 * S)) in planted:
                assert a["drivers"][0]["feature"].startswith("temp")
                assert math.isfinite(a["features"]["temp_mean"])


class _FakeClient:
    """Returns the queued result codes in order, then success."""

    def __init__(self, codes):
        self.codes = list(codes)
        self.calls = 0

    def publish(self, topic, payload, qos=0):
        self.calls += 1

        class Info:
            rc = self.codes.pop(0) if self.codes else 0

        return Info()


def test_publish_waits_for_free_packet_ids_and_reports_other_failures():
    mqtt = pytest.importorskip("paho.mqtt.client")
    from mqtt_pipeline import publish

    # 65,535 publishes awaiting acknowledgement: paho refuses more; publish retries, not drops.
    full = _FakeClient([mqtt.MQTT_ERR_QUEUE_SIZE, mqtt.MQTT_ERR_QUEUE_SIZE])
    assert publish(full, "t", b"x", qos=1).rc == mqtt.MQTT_ERR_SUCCESS
    assert full.calls == 3
    with pytest.raises(RuntimeError, match="publish to t failed"):
        publish(_FakeClient([mqtt.MQTT_ERR_NO_CONN]), "t", b"x", qos=1)
    with pytest.raises(RuntimeError, match="publish to t failed"):
        publish(_FakeClient([mqtt.MQTT_ERR_QUEUE_SIZE] * 1000), "t", b"x", qos=1, timeout=0.05)
