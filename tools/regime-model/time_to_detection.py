#!/usr/bin/python3
"""The fair time to detection, in Python: the same numbers as src/main/regime/time-to-detection.ts.

The legacy mean delay scores a switch into stress that the classifier was already calling stress
on the bar before as 0 bars, so a classifier that stays in stress looks fast. The fair judge
counts only switches met while calm (the old regime called on the bar before), counts the
pre-flagged ones and the misses apart, pools the delays over seeds, and gives a percentile
bootstrap over seeds — with the TypeScript judge's own generator (xoshiro128**, seeded), so the
same seeds give the same interval here and in the CLI. tools/regime-model/time-to-detection.test.ts
checks that this module and the TypeScript judge agree number for number.

As a module: `switch_detections`, `summarize`, `fair_fields`, `paired_against_ssm`.
As a script (what the test calls):

    /usr/bin/python3 tools/regime-model/time_to_detection.py < {"ssm": [[pred, truth], ...], "other": [[pred, truth], ...]}

prints {"summaries": {...}, "fields": {...}, "paired": {...}} as JSON.
"""
from __future__ import annotations

import sys

sys.dont_write_bytecode = True

import json
import math

MASK = 0xFFFFFFFF


def _imul(a: int, b: int) -> int:
    return (a * b) & MASK


def _rotl(x: int, k: int) -> int:
    return ((x << k) | (x >> (32 - k))) & MASK


class Xoshiro128:
    """src/main/engine/rng/xoshiro128.ts: xoshiro128** seeded through SplitMix32, bit for bit (32-bit words as unsigned ints)."""

    def __init__(self, seed: int):
        self._mix = seed & MASK
        self.s = [self._split_mix32() for _ in range(4)]
        if not any(self.s):
            self.s[0] = 1

    def _split_mix32(self) -> int:
        self._mix = (self._mix + 0x9E3779B9) & MASK
        z = self._mix
        z = _imul(z ^ (z >> 16), 0x85EBCA6B)
        z = _imul(z ^ (z >> 13), 0xC2B2AE35)
        return (z ^ (z >> 16)) & MASK

    def next_uint32(self) -> int:
        s0, s1, s2, s3 = self.s
        result = _imul(_rotl(_imul(s1, 5), 7), 9)
        t = (s1 << 9) & MASK
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = _rotl(s3, 11)
        self.s = [s0, s1, s2, s3]
        return result

    def next_double(self) -> float:
        a = self.next_uint32() >> 5
        b = self.next_uint32() >> 6
        return (a * 67108864 + b) * 2.0 ** -53


def switch_detections(pred, truth, start: int = 0, end: int | None = None) -> list[dict]:
    """src/main/regime/evaluation.ts switchDetections (the fields the judge reads): per true switch in [start, end)."""
    end = len(truth) if end is None else end
    switches = [t for t in range(start + 1, end) if truth[t] != truth[t - 1]]
    out = []
    for k, at in enumerate(switches):
        stop = switches[k + 1] if k + 1 < len(switches) else end
        target = truth[at]
        hit = next((d for d in range(at, stop) if pred[d] == target), None)
        before = pred[at - 1]
        out.append(dict(at=at, direction="to_stress" if target == 1 else "to_stable", delay=None if hit is None else hit - at,
                        called_before=before if before in (0, 1) else None))
    return out


def summarize(detections: list[dict], direction: str = "to_stress") -> dict:
    """summarizeDetections: switches, detected, missed, pre-flagged, met while calm, their delays, and the legacy mean."""
    target = 1 if direction == "to_stress" else 0
    s = dict(switches=0, detected=0, missed=0, preFlagged=0, metCalm=0, detectedFromCalm=0, delaySumFromCalm=0, legacyMeanDelay=None)
    legacy = 0
    for d in detections:
        if d["direction"] != direction:
            continue
        s["switches"] += 1
        if d["delay"] is None:
            s["missed"] += 1
        else:
            s["detected"] += 1
            legacy += d["delay"]
        if d["called_before"] == target:
            s["preFlagged"] += 1
        elif d["called_before"] == 1 - target:
            s["metCalm"] += 1
            if d["delay"] is not None:
                s["detectedFromCalm"] += 1
                s["delaySumFromCalm"] += d["delay"]
    s["legacyMeanDelay"] = None if s["detected"] == 0 else legacy / s["detected"]
    return s


def _pooled_mean(per_seed: list[dict], draw: list[int]) -> float | None:
    total = sum(per_seed[k]["delaySumFromCalm"] for k in draw)
    count = sum(per_seed[k]["detectedFromCalm"] for k in draw)
    return total / count if count > 0 else None


def _quantile(sorted_values: list[float], q: float) -> float:
    """Linear-interpolated quantile (NumPy's default), as the TypeScript judge computes it."""
    h = (len(sorted_values) - 1) * q
    lo = math.floor(h)
    hi = min(len(sorted_values) - 1, lo + 1)
    return sorted_values[lo] + (h - lo) * (sorted_values[hi] - sorted_values[lo])


def _seed_bootstrap(n: int, statistic, resamples: int = 2000, level: float = 0.95, seed: int = 20) -> list[float] | None:
    rng = Xoshiro128(seed)
    values = []
    for _ in range(resamples):
        draw = [math.floor(rng.next_double() * n) for _ in range(n)]
        value = statistic(draw)
        if value is not None:
            values.append(value)
    if not values:
        return None
    values.sort()
    return [_quantile(values, (1 - level) / 2), _quantile(values, 1 - (1 - level) / 2)]


def fair_fields(per_seed: list[dict], interval: bool = True) -> dict:
    """fairDetectionFields: the comparison row's fair delay, its 95 % seed-bootstrap interval (None without `interval`:
    a tuning grid ranks by the delay alone), and the counts."""
    total = lambda k: sum(s[k] for s in per_seed)
    detected = total("detectedFromCalm")
    with_delay = sum(1 for s in per_seed if s["detectedFromCalm"] > 0)
    ci = _seed_bootstrap(len(per_seed), lambda draw: _pooled_mean(per_seed, draw)) if interval and with_delay >= 2 else None
    return dict(ttd_from_calm=None if detected == 0 else total("delaySumFromCalm") / detected, ttd_from_calm_ci=ci,
                switches_from_calm=total("metCalm"), detected_from_calm=detected, pre_flagged=total("preFlagged"), missed=total("missed"))


def paired_against_ssm(ssm: list[dict], other: list[dict]) -> dict:
    """pairedAgainstSsm: the paired seed bootstrap of (SSM − other) fair delay and the verdict."""
    if len(ssm) != len(other):
        raise ValueError(f"paired bootstrap: {len(ssm)} seeds against {len(other)}")
    with_delay = lambda xs: sum(1 for s in xs if s["detectedFromCalm"] > 0)
    ci = None
    if with_delay(ssm) >= 2 and with_delay(other) >= 2:
        def difference(draw):
            a, b = _pooled_mean(ssm, draw), _pooled_mean(other, draw)
            return None if a is None or b is None else a - b
        ci = _seed_bootstrap(len(ssm), difference)
    verdict = "yes" if ci and ci[1] < 0 else "no" if ci and ci[0] > 0 else "not_distinguishable"
    return dict(ssm_minus_ttd_ci=ci, ssm_detects_first=verdict)


def main() -> None:
    data = json.load(sys.stdin)
    summaries = {name: [summarize(switch_detections(pred, truth)) for pred, truth in series] for name, series in data.items()}
    out = dict(summaries=summaries, fields={name: fair_fields(s) for name, s in summaries.items()})
    if "ssm" in summaries:
        out["paired"] = {name: paired_against_ssm(summaries["ssm"], s) for name, s in summaries.items() if name != "ssm"}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
