#!/usr/bin/env python3
"""Read pinwheel feature records from Kafka and turn each into a sparse array.

Needs confluent_kafka and numpy (Debian: python3-confluent-kafka python3-numpy); uses scipy.sparse
when scipy is installed. The protobuf form is decoded by the small wire-format reader below, so
neither protoc nor python3-protobuf is needed. Records in the JSON form are read too (told apart by
the content-type header, or by a leading '{').

    python3 read_features.py --bootstrap-servers localhost:9092 --from-beginning --max 10

prints one line per record: frame id, model, shape, nnz, and the sum of the dense values.

On a secured cluster, --client-config FILE reads librdkafka settings (key=value lines such as
security.protocol, sasl.username, ssl.ca.location) and -X KEY=VALUE adds one. A refusal by the
cluster (login, certificate, missing ACL) stops the reader at once with a message naming it, exit 1.
"""
import argparse
import json
import struct
import sys
import uuid

import numpy as np
from confluent_kafka import Consumer, KafkaError

try:
    import scipy.sparse as sparse
except ImportError:  # scipy is optional: fall back to numpy
    sparse = None


def _varint(buf, pos):
    result = shift = 0
    while True:
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7


def decode_protobuf(buf):
    """Decode a pinwheel.v1.FeatureRecord (see feature_record.proto) into a dict."""
    rec = {"frameId": "", "sourceTimestampMs": 0, "modelName": "", "modelVersion": 0,
           "shape": [], "indices": [], "values": [], "scores": [], "label": "",
           "producedTimestampMs": 0}
    deltas, pos = [], 0
    while pos < len(buf):
        key, pos = _varint(buf, pos)
        field, wire = key >> 3, key & 7
        if wire == 0:  # varint
            v, pos = _varint(buf, pos)
            signed = v - (1 << 64) if v >= 1 << 63 else v  # int32/int64 negatives: 10 bytes
            if field in (2, 10):
                rec["sourceTimestampMs" if field == 2 else "producedTimestampMs"] = signed
            elif field == 4:
                rec["modelVersion"] = signed
            elif field == 5:
                rec["shape"].append(v)
            elif field == 6:
                deltas.append(v)
        elif wire == 2:  # length-delimited: strings and packed repeated fields
            n, pos = _varint(buf, pos)
            chunk, pos = buf[pos:pos + n], pos + n
            if field in (1, 3, 9):
                rec[{1: "frameId", 3: "modelName", 9: "label"}[field]] = chunk.decode("utf-8")
            elif field in (5, 6):
                p, out = 0, rec["shape"] if field == 5 else deltas
                while p < n:
                    v, p = _varint(chunk, p)
                    out.append(v)
            elif field in (7, 8):
                floats = struct.unpack("<%df" % (n // 4), chunk)
                rec["values" if field == 7 else "scores"].extend(floats)
        elif wire == 5:  # a single unpacked float
            (f,) = struct.unpack_from("<f", buf, pos)
            pos += 4
            if field in (7, 8):
                rec["values" if field == 7 else "scores"].append(f)
        elif wire == 1:  # 64-bit: no such field in this schema, skip
            pos += 8
        else:
            raise ValueError("unsupported wire type %d for field %d" % (wire, field))
    if pos != len(buf):
        raise ValueError("truncated record")
    rec["indices"] = np.cumsum(np.array(deltas, dtype=np.int64)).tolist()
    return rec


def decode(value, headers):
    content_type = dict(headers or []).get("content-type", b"") or b""
    if content_type.startswith(b"application/json") or (not content_type and value[:1] == b"{"):
        return json.loads(value.decode("utf-8"))
    return decode_protobuf(value)


def to_array(rec):
    """The code as a scipy.sparse COO array (flattened, 1 x size), or (indices, values, shape)."""
    shape = tuple(rec["shape"])
    size = int(np.prod(shape))
    indices = np.asarray(rec["indices"], dtype=np.int64)
    values = np.asarray(rec["values"], dtype=np.float32)
    in_range = not len(indices) or (indices.min() >= 0 and indices.max() < size)
    if len(indices) != len(values) or not in_range:
        raise ValueError("indices and values do not fit shape %s" % (shape,))
    if sparse is not None:
        return sparse.coo_matrix((values, (np.zeros_like(indices), indices)), shape=(1, size))
    return indices, values, shape


def dense(arr):
    if sparse is not None:
        return arr.toarray().ravel()
    indices, values, shape = arr
    out = np.zeros(int(np.prod(shape)), dtype=np.float32)
    out[indices] = values
    return out


REFUSALS = {
    KafkaError._AUTHENTICATION: "authentication failed",
    KafkaError._SSL: "TLS handshake with the broker failed",
    KafkaError.TOPIC_AUTHORIZATION_FAILED: "not authorized to read the topic (missing ACL)",
    KafkaError.GROUP_AUTHORIZATION_FAILED: "not authorized to use the consumer group (missing ACL)",
}


class Refused(Exception):
    """The cluster refused this client: retrying would not help."""


def refusal(err, settings):
    """The message for an error that a retry cannot cure, or None."""
    what = REFUSALS.get(err.code())
    if err.code() == KafkaError._TRANSPORT and "SSL alert" in err.str():
        what = "the broker refused the TLS handshake (is ssl.certificate.location a certificate" \
               " from the broker's CA?)"
    if what is None and not err.fatal():
        return None
    text = "%s: %s" % (what or "fatal error", err.str())
    mechanism = str(settings.get("sasl.mechanism", settings.get("sasl.mechanisms", "")))
    if err.code() == KafkaError._AUTHENTICATION and mechanism.startswith("SCRAM"):
        from confluent_kafka import libversion
        version = libversion()
        if version[1] < 0x020601FF:
            text += (" (librdkafka %s cannot log in with SCRAM to Kafka 4 brokers, fixed in 2.6.1;"
                     " use a client certificate on the broker's SSL listener, or a newer"
                     " librdkafka)" % version[0])
    return text


def read_settings(path):
    """librdkafka settings from key=value lines; '#' starts a comment line."""
    settings = {}
    try:
        f = open(path, encoding="utf-8")
    except OSError as e:
        raise SystemExit("read_features.py: cannot read --client-config %s: %s" % (path, e.strerror))
    with f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if "=" not in line:
                raise SystemExit("%s:%d: not a key=value line" % (path, n))
            key, value = line.split("=", 1)
            settings[key.strip()] = value.strip()
    return settings


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bootstrap-servers", default="localhost:9092")
    ap.add_argument("--topic", default="pinwheel.features")
    ap.add_argument("--max", type=int, default=0, help="stop after N records (0: never)")
    ap.add_argument("--from-beginning", action="store_true")
    ap.add_argument("--format", choices=["text", "json"], default="text", help="output lines")
    ap.add_argument("--client-config", metavar="FILE",
                    help="librdkafka settings (key=value lines), e.g. for a secured cluster")
    ap.add_argument("-X", dest="extra", action="append", default=[], metavar="KEY=VALUE",
                    help="a librdkafka setting, repeatable")
    args = ap.parse_args()
    settings = read_settings(args.client_config) if args.client_config else {}
    for kv in args.extra:
        if "=" not in kv:
            ap.error("-X takes KEY=VALUE, got %r" % kv)
        key, value = kv.split("=", 1)
        settings[key] = value
    if "bootstrap.servers" not in settings or args.bootstrap_servers != ap.get_default(
            "bootstrap_servers"):
        settings["bootstrap.servers"] = args.bootstrap_servers
    refused = []

    def on_error(err):
        text = refusal(err, settings)
        if text is not None:
            refused.append(text)

    consumer = Consumer(dict(settings, **{
        "group.id": "read-features-" + uuid.uuid4().hex,
        "enable.auto.commit": False,
        "isolation.level": "read_committed",
        "auto.offset.reset": "earliest" if args.from_beginning else "latest",
        "error_cb": on_error,
    }))
    consumer.subscribe([args.topic])
    seen = 0
    try:
        while args.max == 0 or seen < args.max:
            msg = consumer.poll(0.5)
            if refused:
                raise Refused(refused[0])
            if msg is None:
                continue
            if msg.error():
                text = refusal(msg.error(), settings)
                if text is not None:
                    raise Refused(text)
                if msg.error().code() != KafkaError._PARTITION_EOF:
                    print("error: %s" % msg.error(), file=sys.stderr)
                continue
            if msg.value() is None:  # a tombstone
                continue
            try:
                rec = decode(msg.value(), msg.headers())
                checksum = float(dense(to_array(rec)).astype(np.float64).sum())
            except (ValueError, IndexError, KeyError, UnicodeDecodeError, struct.error) as e:
                print("skipping %s-%d@%d: not a FeatureRecord: %s"
                      % (msg.topic(), msg.partition(), msg.offset(), e), file=sys.stderr)
                continue
            seen += 1
            shape = "x".join(str(d) for d in rec["shape"])
            if args.format == "json":
                print(json.dumps({"frameId": rec["frameId"], "model": rec["modelName"],
                                  "version": rec["modelVersion"], "shape": rec["shape"],
                                  "nnz": len(rec["values"]), "sum": checksum}), flush=True)
            else:
                print("%s %s v%d shape %s nnz %d sum %.6f" % (rec["frameId"], rec["modelName"],
                      rec["modelVersion"], shape, len(rec["values"]), checksum), flush=True)
    except KeyboardInterrupt:
        pass
    except Refused as e:
        print("read_features.py: stopped, the cluster refused it: %s" % e, file=sys.stderr)
        sys.exit(1)
    finally:
        consumer.close()


if __name__ == "__main__":
    main()
