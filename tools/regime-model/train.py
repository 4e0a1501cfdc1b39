#!/usr/bin/python3
"""Offline training pipeline of Mechanica's regime model (selective SSM, streaming ONNX export).

Reproduce (from the repository root):
    /usr/bin/python3 tools/regime-model/train.py --out resources/models --seed 7

Writes <out>/regime-ssm.onnx, <out>/regime-ssm.card.json, <out>/regime-ssm.fixtures.json and, when
`node` and /work/main-style node_modules/onnxruntime-node are present, verifies the ONNX graph with
onnxruntime-node (tools/regime-model/verify_onnx.mjs) and records the parity result in the card.
Deterministic: torch.set_num_threads(1), torch.manual_seed, numpy Generator seeds,
torch.use_deterministic_algorithms(True). See README.md.
"""
from __future__ import annotations

import sys

sys.dont_write_bytecode = True  # keep tools/regime-model free of __pycache__

import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as Fn

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import features as feat  # noqa: E402
import simulator as sim  # noqa: E402
from model import ChunkGraph, RegimeSSM, StepGraph  # noqa: E402

CLASSES = ["stable", "stress"]
N_BARS = 4096 + feat.WARMUP  # closes per series -> 4096 feature rows
SPLITS = {  # simulator seeds (numpy default_rng), fixed independently of --seed
    "train": list(range(1000, 1064)),  # 64 series
    "validation": list(range(2000, 2016)),  # 16 series
    "heldout": list(range(3000, 3020)),  # 20 series
}
CFG = dict(d_model=64, d_state=16, n_layers=2)
TRAIN = dict(chunk_len=256, streams_per_batch=32, max_epochs=8, patience=2, lr=2e-3, grad_clip=1.0,
             aux_weight=0.1, optimizer="Adam", tbptt="state carried (detached) across consecutive 256-bar chunks "
             "of each stream, zero state at each stream start; random chunk offset 0..255 per epoch")
HYST = 3  # RegimeFilter confirm_threshold (spec §5.2) used for time-to-detection / false alarms
BENCH_BARS = 2520
CHUNK = 64  # bars per call of the chunk graph (regime-ssm.chunk64.onnx)
NAME = "regime-ssm"  # artefact file stem; train_v2.py exports under its own
OPSET = 17


def set_determinism(seed: int):
    torch.set_num_threads(1)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True)


def make_split(seeds):
    out = []
    for s in seeds:
        d = sim.simulate(N_BARS, s)
        f = feat.compute_features(d["price"])
        lab = d["label"][feat.WARMUP:].astype(np.int64)
        lv = np.log(np.maximum(d["variance"][feat.WARMUP:], 1e-6))
        out.append(dict(seed=s, price=d["price"], raw=f, label=lab, logvar=lv, switch_points=d["switch_points"]))
    return out


def stack(split, key, mean=None, std=None):
    if key == "x":
        return np.stack([feat.normalise(s["raw"], mean, std) for s in split])
    return np.stack([s[key] for s in split])


def run_stream(model, X, batch=32):
    """X [S, T, F] float32 -> p [S, T, 2], latent [S, T, D] via forward_seq from zero state (== streaming)."""
    ps, lats = [], []
    with torch.no_grad():
        for i in range(0, X.shape[0], batch):
            x = torch.from_numpy(X[i:i + batch])
            lo, lat, _, _ = model.forward_seq(x, model.zero_state(x.shape[0]))
            ps.append(torch.softmax(lo, -1).numpy())
            lats.append(lat.numpy())
    return np.concatenate(ps), np.concatenate(lats)


def regime_filter(raw, threshold=HYST):
    """Spec §5.2 RegimeFilter (symmetric threshold), initial state 0."""
    state, counter, pending = 0, 0, 0
    out = np.empty_like(raw)
    for i, r in enumerate(raw):
        if r == state:
            counter, pending = 0, r
        else:
            if r != pending:
                pending, counter = r, 1
            else:
                counter += 1
            if counter >= threshold:
                state, counter = r, 0
        out[i] = state
    return out


def metrics(pred_series, label_series):
    """pred/label: lists of int arrays (one per series). Accuracy, stress F1, TTD, false alarms."""
    pred = np.concatenate(pred_series)
    lab = np.concatenate(label_series)
    tp = int(((pred == 1) & (lab == 1)).sum())
    fp = int(((pred == 1) & (lab == 0)).sum())
    fn = int(((pred == 0) & (lab == 1)).sum())
    tn = int(((pred == 0) & (lab == 0)).sum())
    prec = tp / max(tp + fp, 1)
    rec = tp / max(tp + fn, 1)
    f1 = 2 * prec * rec / max(prec + rec, 1e-12)
    ttd = {"to_stress": [], "to_stable": []}
    missed = {"to_stress": 0, "to_stable": 0}
    false_alarms, stable_bars = 0, 0
    for p, l in zip(pred_series, label_series):
        filt = regime_filter(p)
        sw = np.nonzero(np.diff(l) != 0)[0] + 1
        bounds = list(sw) + [len(l)]
        for k, s in enumerate(sw):
            key = "to_stress" if l[s] == 1 else "to_stable"
            seg = filt[s:bounds[k + 1]]
            hit = np.nonzero(seg == l[s])[0]
            if len(hit):
                ttd[key].append(int(hit[0]))
            else:
                missed[key] += 1
        flips = np.nonzero((filt[1:] == 1) & (filt[:-1] == 0))[0] + 1
        false_alarms += int((l[flips] == 0).sum())
        stable_bars += int((l == 0).sum())
    res = dict(accuracy=(tp + tn) / len(lab), balanced_accuracy=0.5 * (rec + tn / max(tn + fp, 1)),
               stress_precision=prec, stress_recall=rec, stress_f1=f1, confusion=dict(tp=tp, fp=fp, fn=fn, tn=tn))
    for key in ttd:
        v = ttd[key]
        res[f"ttd_{key}"] = dict(n_switches=len(v) + missed[key], detected=len(v), missed=missed[key],
                                 median_bars=float(np.median(v)) if v else None,
                                 mean_bars=float(np.mean(v)) if v else None,
                                 p90_bars=float(np.percentile(v, 90)) if v else None)
    res["false_alarms_per_1000_stable_bars"] = 1000.0 * false_alarms / max(stable_bars, 1)
    return res


def rv(split, window):
    """Realised-vol baseline statistic: population std of the last `window` returns incl. r_t, per feature row."""
    out = []
    for s in split:
        r = np.zeros(len(s["price"]))
        r[1:] = np.log(s["price"][1:] / s["price"][:-1])
        t = np.arange(feat.WARMUP, len(r))
        w = np.lib.stride_tricks.sliding_window_view(r, window)
        out.append(w[t - window + 1].std(axis=1))
    return out


def best_threshold(stat, labels):
    x = np.concatenate(stat)
    y = np.concatenate(labels)
    qs = np.quantile(x, np.linspace(0.01, 0.99, 197))
    accs = [((x > q).astype(int) == y).mean() for q in qs]
    return float(qs[int(np.argmax(accs))])


def fit(X, Y, LV, rng, W=None, n_features=None, init=None):
    """Truncated-BPTT training (TRAIN), early stopping on validation cross-entropy; returns the model with the
    best epoch's weights still to load, the history, (val ce, weights, epoch) of the best epoch, optimizer steps.
    W: optional per-bar loss weights of the training split (same shape as Y["train"]), e.g. early-detection weights.
    init: optional model to start from (a fine-tune) instead of a fresh one."""
    model = init if init is not None else RegimeSSM(n_features=feat.F if n_features is None else n_features, **CFG)
    opt = torch.optim.Adam(model.parameters(), lr=TRAIN["lr"])
    L, B = TRAIN["chunk_len"], TRAIN["streams_per_batch"]
    n_train = X["train"].shape[0]
    best = (float("inf"), None, -1)
    history = []
    bad = 0
    t0 = time.time()
    steps = 0
    for epoch in range(TRAIN["max_epochs"]):
        model.train()
        perm = rng.permutation(n_train)
        off = int(rng.integers(0, L))
        losses = []
        for g in range(0, n_train, B):
            idx = perm[g:g + B]
            xs, ys, lvs = (torch.from_numpy(X["train"][idx, off:]), torch.from_numpy(Y["train"][idx, off:]),
                           torch.from_numpy(LV["train"][idx, off:]))
            ws = None if W is None else torch.from_numpy(W[idx, off:])
            state = model.zero_state(len(idx))
            for c in range(0, (xs.shape[1] // L) * L, L):
                lo, _, aux, state = model.forward_seq(xs[:, c:c + L], state)
                state = state.detach()
                if ws is None:
                    ce = Fn.cross_entropy(lo.reshape(-1, 2), ys[:, c:c + L].reshape(-1))
                else:
                    w = ws[:, c:c + L].reshape(-1)
                    ce = (Fn.cross_entropy(lo.reshape(-1, 2), ys[:, c:c + L].reshape(-1), reduction="none") * w).sum() / w.sum()
                loss = ce + TRAIN["aux_weight"] * Fn.mse_loss(aux, lvs[:, c:c + L])
                opt.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), TRAIN["grad_clip"])
                opt.step()
                losses.append(float(ce))
                steps += 1
        model.eval()
        pv, _ = run_stream(model, X["validation"])
        vloss = float(-np.mean(np.log(np.take_along_axis(pv, Y["validation"][..., None], -1) + 1e-12)))
        vacc = float((pv.argmax(-1) == Y["validation"]).mean())
        history.append(dict(epoch=epoch + 1, train_ce=float(np.mean(losses)), val_ce=vloss, val_acc=vacc,
                            elapsed_s=round(time.time() - t0, 1)))
        print(f"epoch {epoch + 1}: train ce {np.mean(losses):.4f}  val ce {vloss:.4f}  val acc {vacc:.4f}  "
              f"({time.time() - t0:.0f}s, {steps} steps)", flush=True)
        if vloss < best[0]:
            best = (vloss, {k: v.clone() for k, v in model.state_dict().items()}, epoch + 1)
            bad = 0
        else:
            bad += 1
            if bad >= TRAIN["patience"]:
                print("early stop", flush=True)
                break
    return model, history, best, steps


def fixture_steps(model, label, x, T=64):
    """The parity fixture's window: T rows from 32 bars before the series' first switch, stepped from a zero
    state. Returns (start row, T, rows, p per step, latent per step, final state)."""
    sw = [s for s in np.nonzero(np.diff(label) != 0)[0] + 1]
    start = max(0, int(sw[0]) - 32) if sw else 0
    fx_x = x[start:start + T]
    ps, lats = [], []
    with torch.no_grad():
        s = model.zero_state(1)
        for i in range(T):
            p, lat, s = model.step(torch.from_numpy(fx_x[i:i + 1]), s)
            ps.append(p[0].numpy())
            lats.append(lat[0].numpy())
    return start, T, fx_x, ps, lats, s


def phase_space(model, X, Y):
    """PCA of the training latents (every 4th bar, sign convention: largest-|loading| entry positive), the
    per-label centroids, and each validation bar's distance to its nearest centroid (for the OOD radius).
    Returns (Ztr, mean, components, explained variance ratio, centroids in PCA, centroids in latent,
    validation distances in PCA, validation distances in latent)."""
    _, lat_tr = run_stream(model, X["train"])
    Ztr = lat_tr[:, ::4].reshape(-1, CFG["d_model"]).astype(np.float64)
    ytr = Y["train"][:, ::4].reshape(-1)
    pmean = Ztr.mean(0)
    _, sv, vt = np.linalg.svd(Ztr - pmean, full_matrices=False)
    comps = vt[:3].copy()
    for i in range(3):
        if comps[i, np.argmax(np.abs(comps[i]))] < 0:
            comps[i] *= -1
    evr = (sv ** 2) / (sv ** 2).sum()
    proj_tr = (Ztr - pmean) @ comps.T
    cent_pca = np.stack([proj_tr[ytr == c].mean(0) for c in (0, 1)])
    cent_lat = np.stack([Ztr[ytr == c].mean(0) for c in (0, 1)])
    _, lat_va = run_stream(model, X["validation"])
    Zva = lat_va.reshape(-1, CFG["d_model"]).astype(np.float64)
    d_pca = np.linalg.norm(((Zva - pmean) @ comps.T)[:, None, :] - cent_pca[None], axis=-1).min(1)
    d_lat = np.linalg.norm(Zva[:, None, :] - cent_lat[None], axis=-1).min(1)
    return Ztr, pmean, comps, evr, cent_pca, cent_lat, d_pca, d_lat


def f32list(a, nd=None):
    a = np.asarray(a, dtype=np.float32)
    return [float(v) for v in a.reshape(-1)] if nd is None else a.tolist()


def export_chunk(model, out: Path, fx_x: np.ndarray):
    """Export the chunk graph (CHUNK bars per call) next to the step graph and build its fixture block.

    fx_x: [CHUNK, F] float32, the rows of the step fixture. Returns (onnx_path, sha256, fixture dict)."""
    path = out / f"{NAME}.chunk{CHUNK}.onnx"
    n_features = model.n_features
    graph = ChunkGraph(model).eval()
    ex_x = torch.zeros(1, CHUNK, n_features)
    ex_s = model.zero_state(1)
    torch.onnx.export(graph, (ex_x, ex_s), str(path), opset_version=OPSET, do_constant_folding=True,
                      input_names=["x", "state"], output_names=["p", "latent", "state_out"])
    import onnx
    onnx.checker.check_model(onnx.load(str(path)))
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    assert fx_x.shape == (CHUNK, n_features)
    with torch.no_grad():
        p, lat, s = graph(torch.from_numpy(np.ascontiguousarray(fx_x, dtype=np.float32))[None], model.zero_state(1))
        # same rows through CHUNK eager `step` calls (= the step fixture): how far the batched chunk maths drifts
        sp, sl, ss = [], [], model.zero_state(1)
        for i in range(CHUNK):
            a, b, ss = model.step(torch.from_numpy(np.ascontiguousarray(fx_x[i:i + 1], dtype=np.float32)), ss)
            sp.append(a[0])
            sl.append(b[0])
        drift = dict(p=float((p[0] - torch.stack(sp)).abs().max()), latent=float((lat[0] - torch.stack(sl)).abs().max()),
                     state_out=float((s - ss).abs().max()))
    fixture = dict(
        note=(f"Chunk-graph parity fixture ({path.name}): x = the {CHUNK} rows of the step fixture's x; feed x as "
              f"[1,{CHUNK},{n_features}] with state = zeros {[1, CFG['n_layers'], CFG['d_model'], CFG['d_state']]}; the "
              f"graph must output p [1,{CHUNK},2] = p here, latent [1,{CHUNK},{CFG['d_model']}] = latent here and "
              "state_out = final_state (flattened), within tolerance. Produced by PyTorch (ChunkGraph, same weights); "
              "max abs diff to the per-step PyTorch values of the step fixture is in torch_chunk_vs_step_max_abs_diff."),
        file=path.name, chunk=CHUNK, tolerance=1e-5,
        input_names=["x", "state"], output_names=["p", "latent", "state_out"],
        torch_chunk_vs_step_max_abs_diff=drift,
        x=[f32list(r) for r in fx_x],
        p=[f32list(r) for r in p[0].numpy()],
        latent=[f32list(r) for r in lat[0].numpy()],
        final_state=f32list(s.numpy()),
    )
    return path, sha, fixture


def chunk_card(sha, parity, n_features=None):
    S = [1, CFG["n_layers"], CFG["d_model"], CFG["d_state"]]
    n_features = feat.F if n_features is None else n_features
    return dict(
        file=f"{NAME}.chunk{CHUNK}.onnx", sha256=sha, opset=OPSET, chunk=CHUNK,
        graph=f"chunk of {CHUNK} consecutive bars per call (batch 1), same weights and maths as the step graph; "
              "projections batched over the chunk, diagonal recurrence unrolled over the fixed chunk length",
        inputs=[dict(name="x", dtype="float32", shape=[1, CHUNK, n_features],
                     meaning=f"normalised features of {CHUNK} consecutive bars (oldest first), channel order "
                             "features.channels"),
                dict(name="state", dtype="float32", shape=S,
                     meaning="SSM state [batch, layer, channel, state] before the first bar of the chunk; zeros at "
                             "cold start; interchangeable with the step graph's state")],
        outputs=[dict(name="p", dtype="float32", shape=[1, CHUNK, 2],
                      meaning="softmax probabilities per bar, class_order"),
                 dict(name="latent", dtype="float32", shape=[1, CHUNK, CFG["d_model"]],
                      meaning="final-LayerNorm hidden per bar (phase-space coordinate)"),
                 dict(name="state_out", dtype="float32", shape=S,
                      meaning="state after the last bar of the chunk; feed as `state` to the next chunk or step call")],
        usage=(f"Series of N bars: floor(N/{CHUNK}) chunk calls with state carried, then the remaining N mod {CHUNK} "
               "bars through the step graph (exact final state for continued streaming). Alternatively zero-pad the "
               "last chunk and ignore the padded outputs; its state_out then includes the padded bars and must not be "
               "used for further streaming."),
        parity_onnxruntime_node=parity,
    )


def bench_series(mean, std):
    """First BENCH_BARS normalised feature rows of held-out series 0 (for the Node timing of both graphs)."""
    d = sim.simulate(N_BARS, SPLITS["heldout"][0])
    return feat.normalise(feat.compute_features(d["price"]), np.asarray(mean), np.asarray(std))[:BENCH_BARS]


def node_chunk_parity(chunk_path, step_path, fx_path, bench_x, node_modules):
    nm = Path(node_modules) if node_modules else HERE.parent.parent / "node_modules"
    if not (shutil.which("node") and (nm / "onnxruntime-node").exists()):
        return dict(status="not run")
    import tempfile
    with tempfile.TemporaryDirectory() as td:
        bench = Path(td) / "bench-x.json"
        bench.write_text(json.dumps(dict(x=[f32list(r) for r in bench_x])))
        env = dict(os.environ, ORT_NODE_MODULES=str(nm))
        r = subprocess.run(["node", str(HERE / "verify_chunk.mjs"), str(chunk_path), str(step_path), str(fx_path),
                            str(bench)], capture_output=True, text=True, env=env)
    print(r.stdout.strip(), r.stderr.strip(), flush=True)
    try:
        return json.loads(r.stdout.strip().splitlines()[-1])
    except Exception:
        return dict(status="error", rc=r.returncode, stderr=r.stderr[-500:])


def chunk_only(args):
    """--chunk-only: load saved weights, export the chunk graph into --out and ADD the `chunk` fixture block and the
    `onnx_chunk` card field to the existing card/fixtures there (nothing else in them changes)."""
    out = Path(args.out)
    card_path, fx_path = out / "regime-ssm.card.json", out / "regime-ssm.fixtures.json"
    card = json.loads(card_path.read_text())
    fixtures = json.loads(fx_path.read_text())
    model = RegimeSSM(n_features=feat.F, **CFG)
    model.load_state_dict(torch.load(args.weights))
    model.eval()
    step_path = out / card["onnx"]["file"]
    if hashlib.sha256(step_path.read_bytes()).hexdigest() != card["onnx"]["sha256"]:
        sys.exit(f"{step_path} does not match card onnx.sha256; refusing")
    fx_x = np.asarray(fixtures["x"][:CHUNK], dtype=np.float32)
    chunk_path, sha, fxc = export_chunk(model, out, fx_x)
    fixtures["chunk"] = fxc
    fx_path.write_text(json.dumps(fixtures, separators=(",", ":")))
    nf = card["features"]["normalisation"]
    parity = node_chunk_parity(chunk_path, step_path, fx_path, bench_series(nf["mean"], nf["std"]), args.node_modules)
    new_card = {}
    for k, v in card.items():
        if k != "onnx_chunk":
            new_card[k] = v
        if k == "onnx":
            new_card["onnx_chunk"] = chunk_card(sha, parity)
    card_path.write_text(json.dumps(new_card, indent=1))
    print(f"wrote {chunk_path} (sha256 {sha}); added onnx_chunk to {card_path}, chunk to {fx_path}", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="resources/models")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--max-epochs", type=int, default=TRAIN["max_epochs"])
    ap.add_argument("--node-modules", default=None, help="node_modules holding onnxruntime-node (default: repo root)")
    ap.add_argument("--chunk-only", action="store_true",
                    help="no training: load --weights, export the chunk graph into --out and add its card/fixture "
                         "fields to the existing card/fixtures there")
    ap.add_argument("--weights", default=None, help="state_dict saved by a full run (<out>/regime-ssm.weights.pt)")
    args = ap.parse_args()
    if args.chunk_only:
        if not args.weights:
            ap.error("--chunk-only needs --weights")
        set_determinism(args.seed)
        return chunk_only(args)
    TRAIN["max_epochs"] = args.max_epochs
    set_determinism(args.seed)
    rng = np.random.default_rng(args.seed)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    t_all = time.time()

    # ---------------- data ----------------
    t0 = time.time()
    data = {k: make_split(v) for k, v in SPLITS.items()}
    allraw = np.concatenate([s["raw"] for s in data["train"]])
    mean, std = allraw.mean(0), allraw.std(0)
    lv_all = np.concatenate([s["logvar"] for s in data["train"]])
    lv_mean, lv_std = lv_all.mean(), lv_all.std()
    X = {k: stack(v, "x", mean, std) for k, v in data.items()}
    Y = {k: stack(v, "label") for k, v in data.items()}
    LV = {k: ((stack(v, "logvar") - lv_mean) / lv_std).astype(np.float32) for k, v in data.items()}
    t_data = time.time() - t0
    print(f"data: {t_data:.1f}s  train {X['train'].shape}  stress fraction {Y['train'].mean():.3f}", flush=True)

    # ---------------- model / training ----------------
    t0 = time.time()
    model, history, best, steps = fit(X, Y, LV, rng)
    t_train = time.time() - t0
    model.load_state_dict(best[1])
    model.eval()
    # trained weights (best epoch) for re-exports without retraining (export_chunk.py); not shipped
    weights_path = out / "regime-ssm.weights.pt"
    torch.save(model.state_dict(), str(weights_path))

    # ---------------- evaluation ----------------
    p_ho, lat_ho = run_stream(model, X["heldout"])
    pred_ho = [p.argmax(-1) for p in p_ho]
    lab_ho = list(Y["heldout"])
    m_model = metrics(pred_ho, lab_ho)
    m_model["mean_stress_prob_on_stress_bars"] = float(np.concatenate(p_ho)[np.concatenate(lab_ho) == 1, 1].mean())
    baselines = {}
    for w in (20, 60):
        thr = best_threshold(rv(data["train"], w), list(Y["train"]))
        stat = rv(data["heldout"], w)
        mb = metrics([(s > thr).astype(np.int64) for s in stat], lab_ho)
        mb["rule"] = f"stress iff population std of last {w} log returns (incl. r_t) > {thr:.6g} (threshold maximising training accuracy)"
        mb["threshold"] = thr
        baselines[f"realised_vol_{w}"] = mb
    print(f"held-out model: acc {m_model['accuracy']:.4f} F1 {m_model['stress_f1']:.4f} | "
          + " | ".join(f"{k}: acc {v['accuracy']:.4f} F1 {v['stress_f1']:.4f}" for k, v in baselines.items()), flush=True)

    # ---------------- PCA / centroids / OOD ----------------
    Ztr, pmean, comps, evr, cent_pca, cent_lat, d_pca, d_lat = phase_space(model, X, Y)
    Zho = lat_ho.reshape(-1, CFG["d_model"]).astype(np.float64)
    proj_ho = (Zho - pmean) @ comps.T
    nearest = np.linalg.norm(proj_ho[:, None, :] - cent_pca[None], axis=-1).argmin(1)
    centroid_acc = float((nearest == np.concatenate(lab_ho)).mean())

    # ---------------- streaming inference timing ----------------
    xb = torch.from_numpy(X["heldout"][0, :BENCH_BARS])
    with torch.no_grad():
        s = model.zero_state(1)
        for i in range(50):  # warm-up
            model.step(xb[i:i + 1], s)
        s = model.zero_state(1)
        tb = time.perf_counter()
        for i in range(BENCH_BARS):
            p, lat, s = model.step(xb[i:i + 1], s)
        t_bench = time.perf_counter() - tb
    print(f"streaming: {BENCH_BARS} bars in {t_bench * 1e3:.1f} ms = {t_bench / BENCH_BARS * 1e6:.1f} us/bar", flush=True)

    # ---------------- ONNX export ----------------
    onnx_path = out / "regime-ssm.onnx"
    step = StepGraph(model).eval()
    ex_x = torch.zeros(1, feat.F)
    ex_s = model.zero_state(1)
    torch.onnx.export(step, (ex_x, ex_s), str(onnx_path), opset_version=OPSET, do_constant_folding=True,
                      input_names=["x", "state"], output_names=["p", "latent", "state_out"])
    import onnx
    onnx.checker.check_model(onnx.load(str(onnx_path)))
    sha = hashlib.sha256(onnx_path.read_bytes()).hexdigest()

    # ---------------- fixtures ----------------
    ser = data["heldout"][0]
    start, T, fx_x, ps, lats, s = fixture_steps(model, ser["label"], X["heldout"][0])
    t_first = start + feat.WARMUP  # bar index (in closes) of the first fixture row
    fixtures = dict(
        description=("Streaming parity fixture: feed x[i] with state starting at zeros [1,2,64,16]; after step i the "
                     "graph must output p[i], latent[i]; after the last step state_out must equal final_state. "
                     "closes/raw_features allow checking the TS feature code: raw_features[i] are the features of "
                     "bar closes_offset+i, computed from closes[0..i+WARMUP]."),
        source=dict(split="heldout", sim_seed=ser["seed"], first_feature_row=start, n_bars=T),
        tolerance=1e-5,
        input_names=["x", "state"], output_names=["p", "latent", "state_out"],
        state_shape=[1, CFG["n_layers"], CFG["d_model"], CFG["d_state"]],
        closes=[float(v) for v in ser["price"][t_first - feat.WARMUP:t_first + T]],
        closes_offset=feat.WARMUP,
        raw_features=[[float(v) for v in r] for r in ser["raw"][start:start + T]],
        labels=[int(v) for v in ser["label"][start:start + T]],
        x=[f32list(r) for r in fx_x],
        p=[f32list(r) for r in ps],
        latent=[f32list(r) for r in lats],
        final_state=f32list(s.numpy()),
    )
    chunk_path, chunk_sha, fixtures["chunk"] = export_chunk(model, out, fx_x)
    fx_path = out / "regime-ssm.fixtures.json"
    fx_path.write_text(json.dumps(fixtures, separators=(",", ":")))

    # ---------------- onnxruntime-node parity ----------------
    parity = dict(status="not run")
    nm = Path(args.node_modules) if args.node_modules else HERE.parent.parent / "node_modules"
    if shutil.which("node") and (nm / "onnxruntime-node").exists():
        env = dict(os.environ, ORT_NODE_MODULES=str(nm))
        r = subprocess.run(["node", str(HERE / "verify_onnx.mjs"), str(onnx_path), str(fx_path)],
                           capture_output=True, text=True, env=env)
        print(r.stdout.strip(), r.stderr.strip(), flush=True)
        try:
            parity = json.loads(r.stdout.strip().splitlines()[-1])
        except Exception:
            parity = dict(status="error", rc=r.returncode, stderr=r.stderr[-500:])
    parity_chunk = node_chunk_parity(chunk_path, onnx_path, fx_path, X["heldout"][0, :BENCH_BARS], args.node_modules)

    # ---------------- card ----------------
    card = dict(
        name="regime-ssm", version=1,
        description="Selective state-space (Mamba-1 style, no conv) streaming regime classifier trained on synthetic "
                    "Heston regime-switching data. Outputs P(stable), P(stress) per bar plus a d_model latent.",
        training_command=f"/usr/bin/python3 tools/regime-model/train.py --out {args.out} --seed {args.seed}"
                         + ("" if args.max_epochs == 8 else f" --max-epochs {args.max_epochs}"),
        seed=args.seed,
        class_order=CLASSES,
        onnx=dict(file="regime-ssm.onnx", sha256=sha, opset=17, graph="streaming step (batch 1)",
                  inputs=[dict(name="x", dtype="float32", shape=[1, feat.F], meaning="normalised features of one bar"),
                          dict(name="state", dtype="float32",
                               shape=[1, CFG["n_layers"], CFG["d_model"], CFG["d_state"]],
                               meaning="SSM state [batch, layer, channel, state]; zeros at cold start")],
                  outputs=[dict(name="p", dtype="float32", shape=[1, 2], meaning="softmax probabilities, class_order"),
                           dict(name="latent", dtype="float32", shape=[1, CFG["d_model"]],
                                meaning="final-LayerNorm hidden of this bar (phase-space coordinate)"),
                           dict(name="state_out", dtype="float32",
                                shape=[1, CFG["n_layers"], CFG["d_model"], CFG["d_state"]],
                                meaning="state to feed with the next bar")],
                  parity_onnxruntime_node=parity),
        onnx_chunk=chunk_card(chunk_sha, parity_chunk),
        features=feat.spec_dict(mean, std),
        training_data=dict(
            simulator=sim.spec_dict(),
            bars_per_series=N_BARS, feature_rows_per_series=N_BARS - feat.WARMUP,
            seeds=SPLITS,
            stress_fraction={k: float(v.mean()) for k, v in Y.items()},
            aux_target=dict(name="standardised log true variance", mean=float(lv_mean), std=float(lv_std),
                            note="training-only auxiliary head, not exported"),
        ),
        architecture=dict(
            type="selective SSM (Mamba-1 style, diagonal A, no causal conv, expand 1)",
            n_features=feat.F, d_model=CFG["d_model"], d_state=CFG["d_state"], n_layers=CFG["n_layers"],
            dt_rank=model.dt_rank,
            layer="u + out_proj((<h,C> + D*x) * SiLU(z)),  x,z = split(in_proj(LayerNorm(u))), x = SiLU(x); "
                  "delta = softplus(dt_proj(.)), B, C = x_proj(x); h = exp(delta*A)*h + delta*B*x; A = -exp(A_log)",
            head="latent = LayerNorm(u_N); p = softmax(Linear(d_model, 2)(latent))",
            parameters_exported=model.n_params(True), parameters_total_incl_aux_head=model.n_params(False),
        ),
        training=dict(**TRAIN, epochs_run=len(history), best_epoch=best[2], optimizer_steps=steps,
                      loss=f"cross-entropy on per-bar labels + {TRAIN['aux_weight']} * MSE(aux log-variance)",
                      early_stopping="validation cross-entropy (streaming, full series), patience 2, best weights kept",
                      history=history, threads=1, deterministic_algorithms=True),
        metrics_heldout=dict(
            protocol="streaming from zero state over each full held-out series (4096 bars), argmax p; TTD = bars from "
                     f"the true switch to the first bar the RegimeFilter(threshold {HYST}) state equals the new regime "
                     "(0 = same bar), missed if not before the next switch; false alarm = filtered 0->1 flip on a "
                     "true-stable bar",
            model=m_model, baselines=baselines,
            pca_nearest_centroid_accuracy=centroid_acc),
        phase_space=dict(
            latent="output `latent` (final LayerNorm hidden, d_model floats)",
            pca=dict(fit_on="training latents, every 4th bar of every training series (streaming from zero state)",
                     n_samples=int(Ztr.shape[0]), projection="z = (latent - mean) @ components^T",
                     sign_convention="largest-|loading| entry of each component positive",
                     mean=f32list(pmean), components=[f32list(c) for c in comps],
                     explained_variance_ratio=[float(v) for v in evr[:3]]),
            centroids=dict(definition="mean of training latents per true label", order=CLASSES,
                           pca=[f32list(c) for c in cent_pca], latent=[f32list(c) for c in cent_lat]),
            ood=dict(percentile=99, fit_on="validation latents (all bars)",
                     radius_pca=float(np.percentile(d_pca, 99)), radius_latent=float(np.percentile(d_lat, 99)),
                     definition="OOD when the Euclidean distance to the nearest centroid exceeds the radius "
                                "(radius_pca in the 3-component PCA space, radius_latent in the full latent space)"),
        ),
        timings=dict(
            note="wall-clock on the training machine; not part of reproducibility",
            data_s=round(t_data, 1), train_s=round(t_train, 1), total_s=round(time.time() - t_all, 1),
            torch_stream_bars=BENCH_BARS, torch_stream_total_ms=round(t_bench * 1e3, 2),
            torch_stream_us_per_bar=round(t_bench / BENCH_BARS * 1e6, 2),
            torch_stream_note="eager PyTorch, no_grad, 1 thread, model.step per bar, batch 1",
            cpu=platform.processor() or platform.machine(),
        ),
        environment=dict(python=platform.python_version(), torch=torch.__version__, numpy=np.__version__,
                         onnx=onnx.__version__),
    )
    (out / "regime-ssm.card.json").write_text(json.dumps(card, indent=1))
    print(f"wrote {onnx_path} (sha256 {sha}), card, fixtures; total {time.time() - t_all:.0f}s", flush=True)


if __name__ == "__main__":
    main()
