#!/usr/bin/env python3
"""Reference reader and encoder for pinwheel encoder files (.pwe, format v1).

This is the executable form of docs/encoder-format.md: it needs only the
standard library and numpy, and is written to be read, not to be fast.

    python3 pwe.py model.pwe frame.npy [--dense] [--trusted-key KEY.pub ...]

loads and verifies model.pwe, runs the encoder on frame.npy (an already
normalized float32 array of shape [C, H, W]) and prints one JSON line:

    {"shape": [G, H', W'], "nnz": n, "indices": [...], "values": [...]}

with "scores": [...] and "label": "..." added when the model has a linear
head, and "dense": [...] (the whole code -- the last pooled map or the
recurrent layer's output -- flat, C order) when --dense is given. As a
module: model = load(path); code = encode(model, x).

With --trusted-key (PEM public keys, as `pinwheel keygen` writes them; the
option may be repeated), the file must also carry a valid signature by one of
them (section 10): otherwise it is refused, exit status 1, with the reason
"unsigned", "untrusted-key" or "bad-signature" first on the error line. Checking
signatures needs the `cryptography` package (Debian: python3-cryptography);
reading and encoding do not.
"""

import base64
import hashlib
import io
import json
import sys
import zipfile

import numpy as np

FORMAT = "pinwheel-encoder"
FORMAT_VERSION = 1
MAX_ENTRIES = 256
MAX_MANIFEST_BYTES = 1 << 20
MAX_ENTRY_BYTES = 4 * (16 << 20) + 65536 + 16  # 16 Mi float32 elements plus a header
MAX_TOTAL_BYTES = 512 << 20
MAX_STEPS = 1000


class InvalidModel(Exception):
    """The file is not a valid pinwheel encoder file; the message says why."""


def _read_entries(path):
    """Every archive entry as bytes, reading no more than the limits allow."""
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise InvalidModel(f"{path}: not a pinwheel encoder file (not a ZIP archive)")
    entries, total = {}, 0
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise InvalidModel(f"{path}: the archive has more than {MAX_ENTRIES} entries")
        for info in infos:
            name = info.filename
            if name in entries:
                raise InvalidModel(f"{path}: {name}: duplicate archive entry")
            parts = name.split("/")
            bad_part = any(p in ("", ".", "..") for p in parts)
            if name.startswith("/") or "\\" in name or ":" in name or bad_part:
                raise InvalidModel(f'{path}: archive entry "{name}" has an unsafe name')
            cap = MAX_MANIFEST_BYTES if name == "manifest.json" else MAX_ENTRY_BYTES
            # Read one byte past the cap rather than trusting the header's file_size.
            with archive.open(info) as f:
                data = f.read(cap + 1)
            if len(data) > cap:
                raise InvalidModel(f"{path}: {name}: entry is larger than the limit of {cap} bytes")
            total += len(data)
            if total > MAX_TOTAL_BYTES:
                raise InvalidModel(f"{path}: the archive holds more than {MAX_TOTAL_BYTES} bytes")
            entries[name] = data
    return entries


def _only_keys(path, field, obj, allowed):
    unknown = sorted(set(obj) - allowed)
    if unknown:
        raise InvalidModel(f'{path}: {field} has an unknown key "{unknown[0]}" '
                           "(it may need a newer pinwheel)")


def _tensor(path, files, entries, field, name, dtype):
    """The verified .npy array `name` that manifest field `field` points to."""
    where = f"{path}: {field} ({name})"
    if name not in files:
        raise InvalidModel(f"{where}: not listed in manifest files")
    if hashlib.sha256(entries[name]).hexdigest() != files[name]:
        raise InvalidModel(f"{where}: checksum mismatch")
    try:
        a = np.load(io.BytesIO(entries[name]), allow_pickle=False)
    except ValueError as e:
        raise InvalidModel(f"{where}: {e}")
    if a.dtype.str != dtype:
        raise InvalidModel(f"{where}: dtype '{a.dtype.str}' is not supported here; expected '{dtype}'")
    if np.isfortran(a) and a.ndim > 1:
        raise InvalidModel(f"{where}: fortran_order is True; only C order is supported")
    if a.ndim == 0:
        raise InvalidModel(f"{where}: tensors need at least one axis")
    return a


def load(path):
    """Loads and verifies a .pwe file; returns the model as a dict of plain values and arrays.

    Checks the format, every checksum, that every entry is listed and every listed
    file exists, dtypes and the layer rules of formatVersion 1. (The Java reader
    additionally checks every shape, index range and finiteness.)
    """
    entries = _read_entries(path)
    if "manifest.json" not in entries:
        raise InvalidModel(f"{path}: not a pinwheel encoder file (the ZIP archive has no manifest.json)")
    m = json.loads(entries.pop("manifest.json").decode("utf-8"))
    if m.get("format") != FORMAT:
        raise InvalidModel(f"{path}: not a pinwheel encoder file (manifest format is {m.get('format')!r})")
    version = m.get("formatVersion")
    if isinstance(version, int) and version > FORMAT_VERSION:
        raise InvalidModel(f"{path}: formatVersion {version} needs a newer pinwheel "
                           f"(this one reads formatVersion {FORMAT_VERSION})")
    if version != FORMAT_VERSION:
        raise InvalidModel(f"{path}: formatVersion must be {FORMAT_VERSION}, got {version!r}")
    # Unknown keys at the top level are ignored; inside these objects they could change the math.
    _only_keys(path, "input", m["input"], {"height", "width", "channels", "normalize"})
    _only_keys(path, "input.normalize", m["input"]["normalize"], {"type", "mean", "std", "sigma"})
    _only_keys(path, "output", m["output"], {"threshold", "topK", "rule", "minActive"})
    rule = _output_rule(path, m["output"])
    min_active = _min_active(path, m["output"])
    files = m["files"]
    for name in entries:
        if name not in files:
            raise InvalidModel(f"{path}: {name}: in the archive but not listed in manifest files")
    for name in files:
        if name not in entries:
            raise InvalidModel(f"{path}: {name}: listed in manifest files but missing from the archive")

    def tensor(field, name, dtype="<f4"):
        return _tensor(path, files, entries, field, name, dtype)

    layers = []
    for i, spec in enumerate(m["layers"]):
        field = f"layers[{i}]"
        if spec["type"] == "conv":
            _only_keys(path, field, spec, {"type", "weights", "bias", "gain", "stride", "padding"})
            if spec["stride"] != 1 or spec["padding"] != "valid":
                raise InvalidModel(f"{path}: {field}: formatVersion 1 supports only stride 1, valid padding")
            layers.append({
                "type": "conv",
                "weights": tensor(field + ".weights", spec["weights"]),  # [K, C, kh, kw]
                "bias": tensor(field + ".bias", spec["bias"]),  # [K]
                "gain": tensor(field + ".gain", spec["gain"]),  # [K]
            })
        elif spec["type"] == "l2pool":
            _only_keys(path, field, spec, {"type", "groups", "weights", "window", "stride"})
            groups = tensor(field + ".groups", spec["groups"], "<i4")  # [G, m]
            if "weights" in spec:
                weights = tensor(field + ".weights", spec["weights"])  # [G, m]
            else:
                weights = np.ones(groups.shape, dtype=np.float32)
            layers.append({"type": "l2pool", "groups": groups, "weights": weights,
                           "window": spec["window"], "stride": spec["stride"]})
        elif spec["type"] == "recurrent":
            _only_keys(path, field, spec, {"type", "encoder", "lateral", "bias", "steps"})
            steps = spec["steps"]
            if not isinstance(steps, int) or not 1 <= steps <= MAX_STEPS:
                raise InvalidModel(f"{path}: {field}: recurrent.steps must be in [1, {MAX_STEPS}], got {steps!r}")
            layers.append({
                "type": "recurrent",
                "encoder": tensor(field + ".encoder", spec["encoder"]),  # [K, D]
                "lateral": tensor(field + ".lateral", spec["lateral"]),  # [K, K]
                "bias": tensor(field + ".bias", spec["bias"]),  # [K]
                "steps": steps,
            })
        elif spec["type"] == "linear":
            _only_keys(path, field, spec, {"type", "weights", "bias", "labels"})
            labels = spec["labels"]
            if (not isinstance(labels, list) or not all(isinstance(l, str) and l for l in labels)
                    or len(set(labels)) != len(labels)):
                raise InvalidModel(f"{path}: {field}: linear.labels must be distinct non-empty strings")
            weights = tensor(field + ".weights", spec["weights"])  # [N, K]
            if weights.ndim != 2 or weights.shape[0] != len(labels):
                raise InvalidModel(f"{path}: {field}: linear.labels must name the {weights.shape[0]} rows of linear.weights")
            layers.append({
                "type": "linear",
                "weights": weights,
                "bias": tensor(field + ".bias", spec["bias"]),  # [N]
                "labels": labels,
            })
        else:
            raise InvalidModel(f"{path}: {field}.type {spec['type']!r} is not a layer type this reader knows")
    _check_order(path, [layer["type"] for layer in layers])

    training_tensors = {}
    for name in files:
        if name.startswith("training/") and name.endswith(".npy"):
            key = name[len("training/"):-len(".npy")]
            training_tensors[key] = tensor(f"training tensor {key}", name)

    out = m["output"]
    return {
        "name": m["name"],
        "version": m["version"],
        "createdAt": m["createdAt"],
        "input": m["input"],
        "layers": layers,
        # JSON floats are written so that float64 -> float32 gives the exact value.
        "threshold": np.float32(out["threshold"]),
        "topK": out["topK"],
        "rule": rule,
        "minActive": min_active,
        "training": m["training"],
        "training_tensors": training_tensors,
    }


OUTPUT_RULES = ("keep", "shrink")


def _output_rule(path, out):
    """output.rule: "keep" when absent (files from before rules), else "keep" or "shrink"."""
    rule = out.get("rule", "keep")
    if not isinstance(rule, str):
        raise InvalidModel(f"{path}: output.rule must be a string, got {json.dumps(rule)}")
    if rule not in OUTPUT_RULES:
        raise InvalidModel(f'{path}: output.rule must be one of {", ".join(OUTPUT_RULES)}, got "{rule}"')
    return rule


def _min_active(path, out):
    """output.minActive: None when absent, else an integer >= 1 and <= topK when topK is set."""
    if "minActive" not in out:
        return None
    k = out["minActive"]
    if not isinstance(k, int) or isinstance(k, bool):
        raise InvalidModel(f"{path}: output.minActive must be an integer, got {json.dumps(k)}")
    if k < 1:
        raise InvalidModel(f"{path}: output.minActive must be >= 1, got {k}")
    top_k = out.get("topK")
    if isinstance(top_k, int) and k > top_k:
        raise InvalidModel(f"{path}: output.minActive must be <= output.topK ({top_k}), got {k}")
    return k


def _check_order(path, types):
    """Layers are conv/l2pool pairs or one recurrent layer, optionally followed by one linear head."""
    body = types[:-1] if types and types[-1] == "linear" else types
    pairs = len(body) % 2 == 0 and all(t == ("conv", "l2pool")[i % 2] for i, t in enumerate(body))
    if not body or not (pairs or body == ["recurrent"]):
        raise InvalidModel(f"{path}: layers must be conv/l2pool pairs or one recurrent layer, "
                           f"optionally followed by one linear layer; got {types}")


def conv(x, weights, bias, gain):
    """h[k] = gain[k] * max(0, bias[k] + sum_{c,a,b} weights[k,c,a,b] * x[c, u+a, v+b]).

    A valid, stride-1 cross-correlation: the kernel is not flipped.
    """
    k, c, kh, kw = weights.shape
    _, h, w = x.shape
    ho, wo = h - kh + 1, w - kw + 1
    s = np.zeros((k, ho, wo))
    for a in range(kh):
        for b in range(kw):
            s += np.einsum("kc,chw->khw", weights[:, :, a, b], x[:, a:a + ho, b:b + wo])
    s += bias[:, None, None]
    return gain[:, None, None] * np.maximum(s, 0.0)


def l2pool(h, groups, weights, window, stride):
    """p[j,u,v] = sqrt(sum_i weights[j,i] * sum_{a,b < window} h[groups[j,i], s*u+a, s*v+b]^2)."""
    maps, hh, ww = h.shape
    if groups.min() < 0 or groups.max() >= maps:
        raise ValueError(f"l2pool groups must index maps in [0, {maps})")
    ho, wo = (hh - window) // stride + 1, (ww - window) // stride + 1
    energy = np.zeros((h.shape[0], ho, wo))  # per map: sum of squares in each window
    sq = h * h
    for a in range(window):
        for b in range(window):
            energy += sq[:, a:a + stride * (ho - 1) + 1:stride, b:b + stride * (wo - 1) + 1:stride]
    return np.sqrt(np.einsum("gm,gmuv->guv", weights, energy[groups]))


def recurrent(x, encoder, lateral, bias, steps):
    """DrSAE: z = relu(E x - b), then steps - 1 times z = relu(E x + S z - b), on x flattened.

    Returns the last code as a [K, 1, 1] map.
    """
    drive = encoder @ x.ravel() - bias  # row-major [C, H, W] order, as numpy ravels
    z = np.maximum(drive, 0.0)
    for _ in range(steps - 1):
        z = np.maximum(drive + lateral @ z, 0.0)
    return z[:, None, None]


def head_scores(model, code):
    """The linear head's raw scores W z + bias on the dense code z (before threshold and top-k),
    as float32, and the label of the best one (ties: the lower index); None without a head."""
    layer = model["layers"][-1]
    if layer["type"] != "linear":
        return None
    s = layer["weights"].astype(np.float64) @ code.ravel().astype(np.float64) + layer["bias"]
    s = s.astype(np.float32)
    return s, layer["labels"][int(np.argmax(s))]  # argmax returns the first maximum


def pooled(model, frame):
    """The code for a normalized frame of shape [C, H, W], as float32: the last pooled map,
    or the recurrent layer's output. A linear head does not change it."""
    inp = model["input"]
    want = (inp["channels"], inp["height"], inp["width"])
    if frame.shape != want:
        raise ValueError(f"frame has shape {frame.shape}, the model reads {want}")
    x = frame.astype(np.float64)  # double precision, like the Java reference encoder
    for layer in model["layers"]:
        if layer["type"] == "conv":
            x = conv(x, layer["weights"].astype(np.float64), layer["bias"].astype(np.float64),
                     layer["gain"].astype(np.float64))
        elif layer["type"] == "recurrent":
            x = recurrent(x, layer["encoder"].astype(np.float64), layer["lateral"].astype(np.float64),
                          layer["bias"].astype(np.float64), layer["steps"])
        elif layer["type"] == "linear":
            pass  # the head scores the code; see head_scores
        else:
            x = l2pool(x, layer["groups"], layer["weights"].astype(np.float64),
                       layer["window"], layer["stride"])
    return x.astype(np.float32)


def effective_threshold(p, threshold, min_active=None):
    """The threshold the rule applies to the code p of one frame: threshold, unless min_active is k
    and at most k values exceed it; then the (k+1)-th largest value of p (NaN not ranked, equal
    values counted one by one), but not below min(threshold, 0), which it is when p has at most k
    values that are not NaN: min(threshold, that value) on every frame."""
    t = np.float32(threshold)
    if min_active is None:
        return t
    flat = p.ravel()
    ranked = flat[~np.isnan(flat)]
    if np.count_nonzero(ranked > t) > min_active:
        return t
    floor = min(t, np.float32(0))
    if ranked.size <= min_active:
        return floor
    at = ranked.size - min_active - 1  # the (k+1)-th largest, counted from the smallest
    return max(np.partition(ranked, at)[at], floor)


def sparse_code(p, threshold, top_k, rule="keep", min_active=None):
    """The values strictly greater than the frame's threshold (effective_threshold: threshold, or
    lower when at most min_active pass it) pass; each is emitted as rule says (keep: the value
    itself; shrink: the value less that threshold, in float32); then, if top_k is set, only the
    top_k largest emitted values (equal values: the lower flat index wins). Indices are flat
    C-order indices into p, returned in ascending order with their emitted values."""
    flat = p.ravel()
    t = effective_threshold(p, threshold, min_active)
    kept = np.flatnonzero(flat > t)
    values = flat[kept] - t if rule == "shrink" else flat[kept]
    if top_k is not None and len(kept) > top_k:
        # lexsort sorts by the last key first: value descending, then index ascending.
        order = np.lexsort((kept, -values))
        chosen = np.sort(order[:top_k])  # kept is ascending, so positions in order are too
        kept, values = kept[chosen], values[chosen]
    return kept, values


def encode(model, frame, dense=False):
    """The sparse code of a normalized frame, as the dict pwe.py prints."""
    p = pooled(model, frame)
    indices, values = sparse_code(p, model["threshold"], model["topK"], model["rule"], model["minActive"])
    # float(float32) is exact, so the printed values read back bit for bit.
    code = {"shape": list(p.shape), "nnz": int(len(indices)),
            "indices": [int(i) for i in indices], "values": [float(v) for v in values]}
    head = head_scores(model, p)
    if head is not None:
        code["scores"] = [float(v) for v in head[0]]
        code["label"] = head[1]
    if dense:
        code["dense"] = [float(v) for v in p.ravel()]
    return code


SIGNATURE_DOMAIN = b"pinwheel-encoder-signature/1\n"
SIGNATURE_VERSION = 1


class Refused(Exception):
    """A signature check failed; reason is unsigned, untrusted-key or bad-signature."""

    def __init__(self, reason, message):
        super().__init__(f"{reason}: {message}")
        self.reason = reason


def public_key_der(pem_path):
    """The DER (SubjectPublicKeyInfo) of the PUBLIC KEY block of a PEM file."""
    with open(pem_path, "r", encoding="ascii") as f:
        text = f.read()
    begin, end = "-----BEGIN PUBLIC KEY-----", "-----END PUBLIC KEY-----"
    if begin not in text or end not in text:
        raise ValueError(f"{pem_path}: no {begin} block")
    body = text.split(begin, 1)[1].split(end, 1)[0]
    return base64.b64decode("".join(body.split()), validate=True)


def key_id(der):
    """A key's id: the SHA-256 of its DER, as the signature block names it."""
    return hashlib.sha256(der).hexdigest()


def verify_signature(path, trusted_ders):
    """Checks the signature in a .pwe's archive comment (section 10) against trusted keys.

    Returns the signer's key id; raises Refused with the reason otherwise. Only the
    signature: that the signed manifest's checksums match the tensors is load()'s part.
    """
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from cryptography.hazmat.primitives.serialization import load_der_public_key

    with zipfile.ZipFile(path) as z:
        comment = z.comment
        manifest = z.read("manifest.json")
    if not comment:
        raise Refused("unsigned", f"{path}: not signed")
    try:
        block = json.loads(comment.decode("utf-8"))
    except ValueError:
        block = None
    if not isinstance(block, dict) or "pinwheelSignature" not in block:
        raise Refused("unsigned", f"{path}: not signed (the archive comment is not a pinwheel signature)")
    kid = str(block.get("keyId", ""))
    if block.get("pinwheelSignature") != SIGNATURE_VERSION or block.get("algorithm") != "Ed25519":
        raise Refused("bad-signature", f"{path}: signature block version {block.get('pinwheelSignature')!r} "
                      f"with algorithm {block.get('algorithm')!r} is not one this reader checks "
                      "(version 1, Ed25519); it may need a newer pinwheel")
    trusted = {key_id(der): der for der in trusted_ders}
    if kid not in trusted:
        raise Refused("untrusted-key", f"{path}: signed by key {kid[:16]}, which is not trusted")
    key = load_der_public_key(trusted[kid])
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(f"trusted key {kid[:16]} is not an Ed25519 key")
    try:
        key.verify(base64.b64decode(str(block.get("signature", "")), validate=True),
                   SIGNATURE_DOMAIN + manifest)
    except (InvalidSignature, ValueError):
        raise Refused("bad-signature", f"{path}: the signature by key {kid[:16]} does not match "
                      "the manifest (changed since)") from None
    return kid


def main(argv):
    args, keys, dense = [], [], False
    it = iter(argv)
    for a in it:
        if a == "--dense":
            dense = True
        elif a == "--trusted-key":
            keys.append(next(it, None))
        else:
            args.append(a)
    if len(args) != 2 or None in keys:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        if keys:
            verify_signature(args[0], [public_key_der(k) for k in keys])
        model = load(args[0])
    except (InvalidModel, Refused) as e:
        print(e, file=sys.stderr)
        return 1
    frame = np.load(args[1], allow_pickle=False)
    code = encode(model, frame, dense=dense)
    print(json.dumps(code, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
