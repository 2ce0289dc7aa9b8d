#!/usr/bin/env python3
"""Streaming anomaly detection over MQTT: subscribe to sensor events, publish anomalies.

Each message on the input topic is one JSON event

    {"device": "pump-7", "timestamp": 1704067200000000000, "values": {"temp": 21.5, "rpm": 1450}}

(timestamp: int ns since the epoch UTC, or an ISO 8601 string). Events go through an
oddkit.stream.Pipeline (per-device windows, features, detector); every anomaly is published as
JSON on the output topic. A malformed payload (not JSON, missing or mistyped keys, a value that
is not a number) is logged, counted and skipped: the stream goes on. A message
{"end_of_stream": true} flushes the open windows, publishes
{"status": "done", "stats": {...}} on <output topic>/status and stops; so do --max-seconds
and --idle-timeout.

    python mqtt_pipeline.py --port 1883 --window 1min --lateness 10s \
        --aggregations '{"temp": ["mean", "max"]}' --features '{"lags": [1], "rolling": [3]}' \
        --detector zscore --threshold 6

Requires paho-mqtt (pip install paho-mqtt) and a broker (Debian: apt-get install mosquitto).
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import queue
import sys
import threading
import time

import oddkit
from oddkit.stream import Pipeline

log = logging.getLogger("mqtt_pipeline")


def make_client(client_id: str):
    import paho.mqtt.client as mqtt

    if hasattr(mqtt, "CallbackAPIVersion"):  # paho-mqtt >= 2
        return mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id)
    return mqtt.Client(client_id=client_id)  # pragma: no cover - paho-mqtt 1.x


def publish(client, topic: str, payload, qos: int, timeout: float = 30.0):
    """client.publish that does not drop a message. With QoS 1/2 at most 65,535 publishes can
    await their acknowledgement (16-bit packet ids); paho refuses the next one with
    MQTT_ERR_QUEUE_SIZE, which would silently lose an anomaly. Wait for acknowledgements to
    free ids instead, up to `timeout` seconds; any other failure raises."""
    import paho.mqtt.client as mqtt

    deadline = time.monotonic() + timeout
    while True:
        info = client.publish(topic, payload, qos=qos)
        if info.rc == mqtt.MQTT_ERR_SUCCESS:
            return info
        if info.rc != mqtt.MQTT_ERR_QUEUE_SIZE or time.monotonic() >= deadline:
            raise RuntimeError(f"publish to {topic} failed: {mqtt.error_string(info.rc)}")
        time.sleep(0.01)


def _finite(x):
    """JSON has no infinity: report it as a string."""
    return x if isinstance(x, float) and math.isfinite(x) else str(x) if isinstance(x, float) else x


def anomaly_message(anomaly) -> bytes:
    d = anomaly.to_dict()
    d["score"] = _finite(d["score"])
    d["features"] = {k: _finite(v) for k, v in d["features"].items()}
    d["drivers"] = [{"feature": x["feature"], "weight": _finite(x["weight"])} for x in d["drivers"]]
    return json.dumps(d).encode()


def _is_end_of_stream(payload: bytes) -> bool:
    try:
        message = json.loads(payload)
    except ValueError:
        return False
    return isinstance(message, dict) and message.get("end_of_stream") is True


class PipelineBridge:
    """Parses payloads, feeds the pipeline and counts what it skipped (no MQTT inside, so it
    can be tested and reused with any transport)."""

    def __init__(self, pipeline: Pipeline):
        self.pipeline = pipeline
        self.messages = 0
        self.malformed = 0

    def handle(self, payload: bytes) -> list:
        """The anomalies this event's windows produced; [] for a skipped malformed payload."""
        self.messages += 1
        try:
            event = json.loads(payload)
            if not isinstance(event, dict):
                raise ValueError("payload: expected a JSON object")
            device, timestamp, values = event["device"], event["timestamp"], event["values"]
            if not isinstance(values, dict):
                raise ValueError("values: expected an object of field -> number")
            if isinstance(timestamp, float):
                raise ValueError("timestamp: expected int ns or an ISO 8601 string, not a float")
            return self.pipeline.push(device, timestamp, values)
        except (ValueError, KeyError, TypeError) as error:  # json.JSONDecodeError is a ValueError
            self.malformed += 1
            log.warning("skipped malformed payload %d (%s: %s): %.200r", self.messages, type(error).__name__,
                        error, payload)
            return []

    def stats(self) -> dict:
        stats = self.pipeline.stats
        stats["messages"] = self.messages
        stats["malformed"] = self.malformed
        return stats


def build_pipeline(args) -> Pipeline:
    if args.model:
        return Pipeline.load(args.model)
    detectors = {
        "zscore": lambda: oddkit.RunningZScore(),
        "zscore-window": lambda: oddkit.RunningZScore(window=60),
        "halfspace": lambda: oddkit.HalfSpaceTrees(seed=0),
    }
    return Pipeline(window=args.window, lateness=args.lateness, aggregations=json.loads(args.aggregations),
                    features=json.loads(args.features), detector=detectors[args.detector](),
                    threshold=args.threshold, max_devices=args.max_devices)


def run(args) -> dict:
    """Runs until end of stream, --max-seconds or --idle-timeout; returns the final stats."""
    bridge = PipelineBridge(build_pipeline(args))
    inbox: queue.Queue = queue.Queue()
    subscribed = threading.Event()
    client = make_client(args.client_id)

    def on_connect(client, userdata, flags, reason_code, properties=None):
        client.subscribe(args.input_topic, qos=args.qos)

    def on_subscribe(client, userdata, mid, reason_codes, properties=None):
        subscribed.set()

    def on_message(client, userdata, message):
        inbox.put(message.payload)  # the network thread only queues; work happens below

    client.on_connect = on_connect
    client.on_subscribe = on_subscribe
    client.on_message = on_message
    client.connect(args.host, args.port, keepalive=30)
    client.loop_start()
    status_topic = args.output_topic + "/status"
    stats: dict = {}
    try:
        if not subscribed.wait(timeout=10):
            raise RuntimeError(f"could not subscribe to {args.input_topic} on {args.host}:{args.port}")
        publish(client, status_topic, json.dumps({"status": "ready"}), qos=1)
        deadline = time.monotonic() + args.max_seconds
        while time.monotonic() < deadline:
            try:
                payload = inbox.get(timeout=min(args.idle_timeout, max(0.0, deadline - time.monotonic())))
            except queue.Empty:
                log.info("no message for %.1f s: stopping", args.idle_timeout)
                break
            if b"end_of_stream" in payload and _is_end_of_stream(payload):
                break
            for anomaly in bridge.handle(payload):
                publish(client, args.output_topic, anomaly_message(anomaly), qos=args.qos)
        for anomaly in bridge.pipeline.flush():
            publish(client, args.output_topic, anomaly_message(anomaly), qos=args.qos)
        if args.save_state:
            bridge.pipeline.save(args.save_state)
        stats = bridge.stats()
        info = publish(client, status_topic, json.dumps({"status": "done", "stats": stats}), qos=1)
        info.wait_for_publish(timeout=10)
    finally:
        client.loop_stop()
        client.disconnect()
    return stats


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=1883)
    p.add_argument("--input-topic", default="oddkit/events")
    p.add_argument("--output-topic", default="oddkit/anomalies")
    p.add_argument("--client-id", default="oddkit-pipeline")
    p.add_argument("--qos", type=int, choices=(0, 1, 2), default=1)
    p.add_argument("--window", default="1min")
    p.add_argument("--lateness", default="10s")
    p.add_argument("--aggregations", default='{"temp": ["mean", "max"]}', help="JSON: field -> aggregations")
    p.add_argument("--features", default='{"lags": [1], "rolling": [3]}', help="JSON feature spec")
    p.add_argument("--detector", choices=("zscore", "zscore-window", "halfspace"), default="zscore")
    p.add_argument("--threshold", type=float, default=6.0)
    p.add_argument("--max-devices", type=int, default=None)
    p.add_argument("--model", help="a saved Pipeline to continue instead of a new one")
    p.add_argument("--save-state", help="save the pipeline here when stopping")
    p.add_argument("--max-seconds", type=float, default=3600.0)
    p.add_argument("--idle-timeout", type=float, default=60.0)
    return p.parse_args(argv)


def main(argv=None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    stats = run(parse_args(argv))
    print(json.dumps(stats))
    return 0


if __name__ == "__main__":
    sys.exit(main())
