#!/usr/bin/python3
"""Times the shipped regime model in eager PyTorch, for `npm run bench` to compare with ONNX Runtime.

    /usr/bin/python3 tools/regime-model/time_torch.py [--models resources/models] [--x bars.json]
                                                      [--repeats 3] [--threads 1] [--json]

The weights come from the shipped step graph (resources/models/regime-ssm.onnx, checked against
the card's sha256): its initializers are the model's named parameters, and the six projection
matrices exported as MatMul operands (transposed) are taken in the order the graph uses them.
No onnx package is needed: the few protobuf fields read are decoded here. Before timing, the
loaded model must reproduce the PyTorch fixture (regime-ssm.fixtures.json) within its tolerance,
step by step and as one whole-series call, so what is timed is the model the app ships.

Two measurements on the same normalised feature rows (`--x`: JSON {"x": [[5 floats], ...]}, as the
bench writes them; default: the fixture's 64 rows, cycled to 2,520 bars), `torch.no_grad()`,
`--threads` intra-op threads (default 1, as the card's timing):
  - streaming: `model.step` once per bar from a zero state, state carried (what the step graph
    does); per-step latencies of the fastest of `--repeats` passes, after a 50-bar warm-up;
  - whole series: `model.forward_seq` over every bar in one call, then softmax (PyTorch's own
    whole-series path: projections batched, the recurrence a Python loop over time); fastest of
    `--repeats` calls.
Exit code 2 with a one-line reason when torch is missing or the weights do not reproduce the fixture.
"""
from __future__ import annotations

import sys

sys.dont_write_bytecode = True  # keep tools/regime-model free of __pycache__

import argparse
import hashlib
import json
import platform
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def fail(message: str) -> None:
    print(f"time_torch: {message}", file=sys.stderr)
    sys.exit(2)


try:
    import torch
except ImportError as error:  # the bench reads this line and says the figure is not measured here
    fail(f"PyTorch is not importable by {sys.executable} ({error}); apt-get install python3-torch")

from model import RegimeSSM  # noqa: E402

WARMUP_BARS = 50
DEFAULT_BARS = 2520


# ---------------- the few protobuf fields of an ONNX model that hold its weights ----------------

def _varint(b: bytes, i: int) -> tuple[int, int]:
    r = s = 0
    while True:
        c = b[i]
        i += 1
        r |= (c & 0x7F) << s
        s += 7
        if c < 0x80:
            return r, i


def _fields(b: bytes):
    """(field number, value) of one protobuf message; length-delimited values as bytes."""
    i = 0
    while i < len(b):
        key, i = _varint(b, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = _varint(b, i)
        elif wire == 1:
            value, i = b[i:i + 8], i + 8
        elif wire == 5:
            value, i = b[i:i + 4], i + 4
        elif wire == 2:
            n, i = _varint(b, i)
            value, i = b[i:i + n], i + n
        else:
            raise ValueError(f"protobuf wire type {wire} at byte {i}")
        yield number, value


def onnx_weights(data: bytes) -> tuple[dict[str, np.ndarray], list[str]]:
    """ModelProto.graph (7): initializers (5: TensorProto dims 1, data_type 2, name 8, raw_data 9) and
    the initializer operands of MatMul nodes (1: NodeProto input 1, op_type 4) in graph order."""
    graph = next(v for n, v in _fields(data) if n == 7)
    tensors: dict[str, np.ndarray] = {}
    matmuls: list[str] = []
    nodes = []
    for n, v in _fields(graph):
        if n == 5:
            dims, dtype, name, raw = [], None, None, None
            for tn, tv in _fields(v):
                if tn == 1:
                    dims.append(tv)
                elif tn == 2:
                    dtype = tv
                elif tn == 8:
                    name = tv.decode()
                elif tn == 9:
                    raw = tv
            if dtype != 1 or raw is None:
                fail(f"initializer {name} is not raw float32 (data_type {dtype}); this reader expects torch.onnx's export")
            tensors[name] = np.frombuffer(raw, dtype="<f4").reshape(dims).copy()
        elif n == 1:
            inputs, op = [], None
            for nn_, nv in _fields(v):
                if nn_ == 1:
                    inputs.append(nv.decode())
                elif nn_ == 4:
                    op = nv.decode()
            nodes.append((op, inputs))
    for op, inputs in nodes:
        if op == "MatMul":
            matmuls += [i for i in inputs if i in tensors and not i.startswith("model.")]
    return tensors, matmuls


def load_shipped(models: Path, stem: str) -> tuple[RegimeSSM, dict]:
    card = json.loads((models / f"{stem}.card.json").read_text())
    data = (models / card["onnx"]["file"]).read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    if sha != card["onnx"]["sha256"]:
        fail(f"{card['onnx']['file']} does not match its card (sha256 {sha[:12]}…, card says {card['onnx']['sha256'][:12]}…)")
    arch = card["architecture"]
    model = RegimeSSM(n_features=arch["n_features"], d_model=arch["d_model"], d_state=arch["d_state"], n_layers=arch["n_layers"]).eval()
    tensors, matmuls = onnx_weights(data)
    state = {name[len("model."):]: torch.from_numpy(t) for name, t in tensors.items() if name.startswith("model.")}
    # Linear layers without bias are exported as MatMul(x, Wᵀ), per layer in forward order.
    projections = [f"layers.{k}.{p}.weight" for k in range(arch["n_layers"]) for p in ("in_proj", "x_proj", "out_proj")]
    if len(matmuls) != len(projections):
        fail(f"the step graph has {len(matmuls)} MatMul weights; the model has {len(projections)} bias-free projections")
    for name, operand in zip(projections, matmuls):
        state[name] = torch.from_numpy(tensors[operand].T.copy())
    missing, unexpected = model.load_state_dict(state, strict=False)
    if unexpected or [m for m in missing if not m.startswith("aux_head.")]:
        fail(f"the step graph's weights do not fit the model (missing {missing}, unexpected {unexpected})")
    return model, card


def check_parity(model: RegimeSSM, models: Path, stem: str) -> dict:
    """The loaded model against PyTorch's own fixture outputs: per step, and as one forward_seq call."""
    fx = json.loads((models / f"{stem}.fixtures.json").read_text())
    x = torch.tensor(fx["x"], dtype=torch.float32)
    with torch.no_grad():
        state = model.zero_state(1)
        worst_step = 0.0
        for i in range(x.shape[0]):
            p, lat, state = model.step(x[i:i + 1], state)
            worst_step = max(worst_step, float((p[0] - torch.tensor(fx["p"][i])).abs().max()),
                             float((lat[0] - torch.tensor(fx["latent"][i])).abs().max()))
        worst_step = max(worst_step, float((state.reshape(-1) - torch.tensor(fx["final_state"])).abs().max()))
        logits, _, _, final = model.forward_seq(x[None], model.zero_state(1))
        p_seq = torch.softmax(logits[0], dim=-1)
        worst_seq = max(float((p_seq - torch.tensor(fx["p"])).abs().max()),
                        float((final.reshape(-1) - torch.tensor(fx["final_state"])).abs().max()))
    tolerance = fx["tolerance"]
    if worst_step > tolerance or worst_seq > tolerance:
        fail(f"the weights read from the step graph do not reproduce the fixture (max |diff| step {worst_step:.2e}, "
             f"whole series {worst_seq:.2e}; tolerance {tolerance:.0e})")
    return dict(bars=int(x.shape[0]), tolerance=tolerance, step_max_abs_diff=worst_step, series_max_abs_diff=worst_seq)


def time_model(model: RegimeSSM, x: torch.Tensor, repeats: int) -> dict:
    bars = x.shape[0]
    with torch.no_grad():
        state = model.zero_state(1)
        for i in range(min(WARMUP_BARS, bars)):
            _, _, state = model.step(x[i:i + 1], state)
        best_total, best_latencies = float("inf"), []
        for _ in range(repeats):
            state = model.zero_state(1)
            latencies = []
            t_pass = time.perf_counter()
            for i in range(bars):
                t0 = time.perf_counter()
                _, _, state = model.step(x[i:i + 1], state)
                latencies.append(time.perf_counter() - t0)
            total = time.perf_counter() - t_pass
            if total < best_total:
                best_total, best_latencies = total, latencies
        whole = float("inf")
        for _ in range(repeats):
            t0 = time.perf_counter()
            logits, _, _, _ = model.forward_seq(x[None], model.zero_state(1))
            torch.softmax(logits, dim=-1)
            whole = min(whole, time.perf_counter() - t0)
    lat = sorted(best_latencies)
    q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] * 1e3  # noqa: E731 (same quantile rule as the bench)
    return dict(
        streaming=dict(total_ms=best_total * 1e3, per_step_ms=best_total * 1e3 / bars, p50_ms=q(0.5), p99_ms=q(0.99),
                       how="model.step per bar, state carried, fastest of repeats"),
        whole_series=dict(ms=whole * 1e3, how="model.forward_seq over every bar in one call + softmax, fastest of repeats"),
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--models", type=Path, default=HERE.parent.parent / "resources" / "models")
    ap.add_argument("--model", default="regime-ssm-v2", help="file stem of the shipped model (regime-ssm-v2, or v1: regime-ssm)")
    ap.add_argument("--x", type=Path, help='JSON {"x": [[F floats], ...]}: normalised feature rows, one per bar')
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    model, card = load_shipped(args.models, args.model)
    parity = check_parity(model, args.models, args.model)
    if args.x:
        x = torch.tensor(json.loads(args.x.read_text())["x"], dtype=torch.float32)
        source = str(args.x)
    else:
        rows = json.loads((args.models / f"{args.model}.fixtures.json").read_text())["x"]
        x = torch.tensor([rows[i % len(rows)] for i in range(DEFAULT_BARS)], dtype=torch.float32)
        source = f"the fixture's {len(rows)} rows cycled to {DEFAULT_BARS} bars"
    if x.ndim != 2 or x.shape[1] != card["architecture"]["n_features"] or x.shape[0] < 1:
        fail(f"--x must hold rows of {card['architecture']['n_features']} features (got shape {list(x.shape)})")
    result = dict(
        torch=torch.__version__, python=platform.python_version(), numpy=np.__version__, threads=torch.get_num_threads(),
        model=card["onnx"]["file"], sha256=card["onnx"]["sha256"], bars=int(x.shape[0]), input=source,
        repeats=args.repeats, parity=parity, **time_model(model, x, args.repeats),
    )
    if args.json:
        print(json.dumps(result))
    else:
        s, w = result["streaming"], result["whole_series"]
        print(f"PyTorch {result['torch']} eager, {result['threads']} thread(s), {result['bars']} bars ({source})")
        print(f"  streaming: {s['per_step_ms']:.4f} ms/step (p50 {s['p50_ms']:.4f}, p99 {s['p99_ms']:.4f}), {s['total_ms']:.1f} ms in all")
        print(f"  whole series (forward_seq): {w['ms']:.1f} ms")
        print(f"  parity with the fixture: step {parity['step_max_abs_diff']:.1e}, whole series {parity['series_max_abs_diff']:.1e}")


if __name__ == "__main__":
    main()
