"""The streaming pipeline over MQTT: events/s through a private loopback Mosquitto broker.

The same JSON events (10 devices, one per device per second, temperature with planted jumps)
are published with QoS 1 and consumed in this process three ways:
- relay: the subscriber only parses the JSON (the transport's ceiling, the baseline);
- pipeline over MQTT: the example's PipelineBridge (examples/python/mqtt_pipeline.py) parses
  and pushes every event into oddkit.stream.Pipeline;
- pipeline direct: the same pushes with no broker.
The anomalies of the MQTT run must equal those of the direct run. Skips when mosquitto or
paho-mqtt is absent.
"""

from __future__ import annotations

import json
import queue
import sys
import time
from collections import deque
from pathlib import Path

import numpy as np
from _common import table

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "examples" / "python"))

TITLE = "Streaming pipeline over MQTT (Mosquitto, paho-mqtt)"
S = 10**9


def events(n: int) -> list[bytes]:
    rng = np.random.default_rng(0)
    out = []
    for i in range(n):
        device, k = i % 10, i // 10
        temp = 20 + rng.normal() + (12 if (k // 60) % 7 == 3 and device == 2 else 0)
        out.append(json.dumps({"device": f"dev{device}", "timestamp": 1_704_067_200 * S + k * S,
                               "values": {"temp": float(temp)}}).encode())
    return out


def make_pipeline():
    import oddkit
    from oddkit.stream import Pipeline

    return Pipeline(window="1min", lateness="5s", aggregations={"temp": ["mean", "max"]},
                    features={"lags": [1], "rolling": [3]}, detector=oddkit.RunningZScore(), threshold=8.0)


def through_broker(broker, payloads, handle) -> float:
    """Seconds from the first publish until `handle` has consumed every payload."""
    from mqtt_pipeline import make_client, publish

    inbox: queue.Queue = queue.Queue()
    sub = make_client("bench-sub")
    sub.on_message = lambda c, u, m: inbox.put(m.payload)
    sub.connect(broker.host, broker.port)
    sub.subscribe("bench/events", qos=1)
    sub.loop_start()
    pub = make_client("bench-pub")
    pub.connect(broker.host, broker.port)
    pub.loop_start()
    time.sleep(0.3)  # let the subscription settle
    try:
        start = time.perf_counter()
        # QoS 1 packet ids are 16-bit: at most 65,535 publishes may await their PUBACK, and paho
        # refuses the next one (ERR_QUEUE_SIZE; this is why 100,000 events used to stall). Keep
        # at most `window` unacknowledged, and consume while waiting so the pipe keeps moving.
        window = 10_000
        pending: deque = deque()
        consumed = 0
        for p in payloads:
            pending.append(publish(pub, "bench/events", p, qos=1))
            while len(pending) > window:
                while not pending[0].is_published():
                    try:
                        handle(inbox.get(timeout=0.01))
                        consumed += 1
                    except queue.Empty:
                        pass
                pending.popleft()
        for _ in range(len(payloads) - consumed):
            handle(inbox.get(timeout=60))
        return time.perf_counter() - start
    finally:
        for c in (pub, sub):
            c.loop_stop()
            c.disconnect()


def run(quick: bool) -> str:
    try:
        import paho.mqtt.client  # noqa: F401
        from mosquitto_broker import BrokerUnavailable, MosquittoBroker
        from mqtt_pipeline import PipelineBridge
    except ImportError as error:
        return f"_Skipped: {error}._\n"
    n = 5_000 if quick else 100_000
    payloads = events(n)

    direct = make_pipeline()
    start = time.perf_counter()
    bridge_direct = PipelineBridge(direct)
    expected = [a for p in payloads for a in bridge_direct.handle(p)]
    t_direct = time.perf_counter() - start

    try:
        with MosquittoBroker() as broker:
            t_relay = through_broker(broker, payloads, json.loads)
            bridge = PipelineBridge(make_pipeline())
            found = []
            t_mqtt = through_broker(broker, payloads, lambda p: found.extend(bridge.handle(p)))
    except BrokerUnavailable as error:
        return f"_Skipped: {error}._\n"
    agree = found == expected and bridge.stats()["events_accepted"] == n
    rows = [
        ["relay (JSON parse only)", n, n / t_relay, 1.0, "-"],
        ["pipeline over MQTT", n, n / t_mqtt, t_relay / t_mqtt, "yes" if agree else "NO"],
        ["pipeline direct (no broker)", n, n / t_direct, t_relay / t_direct, "reference"],
    ]
    return (f"`python benchmarks/compare.py --suite mqtt{' --quick' if quick else ''}`; QoS 1, loopback broker, "
            f"{len(expected)} anomalies.\n\n"
            + table(["run", "events", "events/s", "relative to relay", "same anomalies as direct"], rows) + "\n")
