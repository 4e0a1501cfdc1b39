#!/usr/bin/python3
"""Why a regime model trails the baselines on a lab: its errors on VALIDATION lab series, scored as the CLI does.

    /usr/bin/python3 tools/regime-model/diagnose_labs.py DIR [--models resources/models] [--model regime-ssm-v2]

DIR holds `<lab>-<seed>.csv` (bar,close,label) written by `mechanica regime --lab LAB --export-series DIR
--seeds 2000..2015` (validation seeds; never ≥ 3000). Per lab it prints what the CLI's comparison scores
(lab-regime-compare.ts: from bar max(103, min(1000, 0.4 n)), P(stress) > 0.5 then the 3-bar hysteresis), then
the shape of the lab's labels (median calm and stress spells in bars, stress/calm return volatility), then
where the errors are: stress share true vs called, false calm / false stress bars, the accuracy the best single
threshold would give (an oracle on these seeds, to separate calibration from ranking) and the AUC of P(stress).
"""
from __future__ import annotations

import sys

sys.dont_write_bytecode = True

import argparse
import csv
from collections import defaultdict
from pathlib import Path

import numpy as np
import torch

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import train as base  # noqa: E402
from time_torch import load_shipped  # noqa: E402

def compare_start(n):
    return max(103, min(1000, int(np.floor(0.4 * n))))


def read_series(path):
    with path.open() as f:
        rows = list(csv.DictReader(f))
    return np.asarray([float(r["close"]) for r in rows]), np.asarray([int(r["label"]) for r in rows])


def auc(score, y):
    pos, neg = score[y == 1], score[y == 0]
    if not len(pos) or not len(neg):
        return float("nan")
    order = np.argsort(np.concatenate([pos, neg]), kind="mergesort")
    ranks = np.empty(len(order))
    ranks[order] = np.arange(1, len(order) + 1)
    return float((ranks[:len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def label_shape(series):
    """Median calm and stress spell (bars, inner spells only), median stress/calm return std, switches into stress."""
    dwell, ratio = {0: [], 1: []}, []
    for closes, labels in series:
        r, y = np.diff(np.log(closes)), labels[1:]
        if y.min() == y.max():
            continue
        ratio.append(r[y == 1].std() / r[y == 0].std())
        for spell in np.split(y, np.flatnonzero(np.diff(y)) + 1)[1:-1]:
            dwell[int(spell[0])].append(len(spell))
    med = lambda v: float(np.median(v)) if len(v) else float("nan")  # noqa: E731
    return med(dwell[0]), med(dwell[1]), med(ratio), len(dwell[1])


def p_stress_of(model, feat, card, closes):
    """P(stress) per bar (NaN before the features' warm-up), streaming from zero state."""
    raw = feat.compute_features(closes)
    x = feat.normalise(raw, np.asarray(card["features"]["normalisation"]["mean"]), np.asarray(card["features"]["normalisation"]["std"]))
    p, _ = base.run_stream(model, x[None].astype(np.float32))
    out = np.full(len(closes), np.nan)
    out[feat.WARMUP:] = p[0][:, 1]
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir")
    ap.add_argument("--models", default="resources/models")
    ap.add_argument("--model", default="regime-ssm-v2")
    ap.add_argument("--features", default="features_v2", help="feature module of the model")
    ap.add_argument("--weights", default=None, help="a training run's unexported state_dict (.pt) with --model's card "
                                                    "(architecture, normaliser), e.g. a fine-tune of it before export")
    ap.add_argument("--threshold", type=float, default=0.5, help="P(stress) decision threshold (an unbaked run's tuned one)")
    args = ap.parse_args()
    torch.set_num_threads(1)
    feat = __import__(args.features)
    model, card = load_shipped(Path(args.models), args.model)
    if args.weights:
        model.load_state_dict(torch.load(args.weights))
    by_lab = defaultdict(list)
    for path in sorted(Path(args.dir).glob("*.csv")):
        lab, seed = path.stem.rsplit("-", 1)
        if int(seed) >= 3000:
            sys.exit(f"diagnose_labs: {path.name} is a held-out seed (≥ 3000); diagnose on validation seeds only")
        by_lab[lab].append(read_series(path))
    print("lab\tbars\tcalm_spell\tstress_spell\tvol_ratio\tspells\tacc\tF1\ttrue_stress\tcalled\tfalse_calm\tfalse_stress\toracle_thr\toracle_acc\tauc")
    for lab, series in by_lab.items():
        accs, f1s, ps, ys, calls = [], [], [], [], []
        fc = fs = 0
        for closes, labels in series:
            s = compare_start(len(closes))
            p = p_stress_of(model, feat, card, closes)
            pred = base.regime_filter((p > args.threshold).astype(np.int64))[s:]
            y = labels[s:]
            accs.append(float((pred == y).mean()))
            tp = int(((pred == 1) & (y == 1)).sum())
            f1s.append(2 * tp / max(1, int(pred.sum() + y.sum())))
            fc += int(((pred == 0) & (y == 1)).sum())
            fs += int(((pred == 1) & (y == 0)).sum())
            ps.append(p[s:]), ys.append(y), calls.append(pred)
        P, Y = np.concatenate(ps), np.concatenate(ys)
        grid = np.round(np.arange(0.05, 0.96, 0.05), 2)
        oracle = [(float(np.mean([(base.regime_filter((p > g).astype(np.int64)) == y).mean() for p, y in zip(ps, ys)])), g) for g in grid]
        best = max(oracle)
        n = len(Y)
        calm_spell, stress_spell, ratio, spells = label_shape(series)
        print(f"{lab}\t{len(series[0][0])}\t{calm_spell:.0f}\t{stress_spell:.0f}\t{ratio:.2f}\t{spells}\t{np.mean(accs):.3f}\t{np.mean(f1s):.3f}\t{Y.mean():.3f}\t{np.concatenate(calls).mean():.3f}"
              f"\t{fc / n:.3f}\t{fs / n:.3f}\t{best[1]}\t{best[0]:.3f}\t{auc(P, Y):.3f}", flush=True)


if __name__ == "__main__":
    main()
