#!/usr/bin/python3
"""Writes the per-lab held-out table (issue 20 item 5) into a regime model's card.

    node out/main/cli.js regime --lab LAB --compare --seeds 3000..3009 --json --model STEM > DIR/LAB.json   (per lab)
    /usr/bin/python3 tools/regime-model/card_lab_table.py resources/models/STEM.card.json DIR/*.json

The figures come from the CLI's comparison, the one the Regime view shows, not from a second
computation here: each input is the CLI's JSON for one lab, and this script only gathers them
under the card's `heldout_per_lab` key with the command that reproduces them. The training
scripts write the rest of the card; this key is added afterwards because the comparison needs
the built app. The card is re-serialised exactly as the training scripts write it
(json.dumps(indent=1)), so every other byte of it is unchanged — checked before writing.

Time to detection is the fair judge's (`ttd_from_calm` with its interval, `pre_flagged`, `missed`, and
the paired verdict against the model); the legacy mean delay is kept, labelled `ttd_legacy_all_detected`.

Refuses, naming the file, an input measured with another model, on seeds the model may have
trained on (below 3000), without rows or without the fair time to detection, or two inputs for
one lab; nothing is written then.
"""
from __future__ import annotations

import sys

sys.dont_write_bytecode = True

import json
from pathlib import Path

HELD_OUT_FROM = 3000  # the training scripts use seeds below 3000 (train, validation); see the cards
# The fair time to detection first (src/main/regime/time-to-detection.ts; in Python, time_to_detection.py), the legacy
# mean delay kept as a labelled extra column: it scores a switch already flagged as 0 bars, so it rewards staying in stress.
FAIR_KEYS = ("ttd_from_calm", "ttd_from_calm_ci", "switches_from_calm", "detected_from_calm", "pre_flagged", "missed")
PAIRED_KEYS = ("ssm_minus_ttd_ci", "ssm_detects_first")
ROW_KEYS = ("accuracy", "f1_stress", *FAIR_KEYS, *PAIRED_KEYS, "detected", "switches", "false_alarms_per_1000_stable_bars",
            "downside_capture", "sharpe", "max_drawdown", "total_return", "paranoia_cost_10", "brier", "ood_share")
LEGACY = ("mean_time_to_detection", "ttd_legacy_all_detected")  # the CLI's key, the card's label
BASELINES = ("rv_threshold", "hmm", "bocpd", "markov_switching")


def versus_best_baseline(rows: dict) -> dict | None:
    """Issue 20's bar per lab: the model's accuracy and F1 against the best baseline's, read off the rows."""
    if "ssm" not in rows:
        return None
    out = {}
    for key, better in (("accuracy", max), ("f1_stress", max), ("ttd_from_calm", min)):
        scored = [(rows[c][key], c) for c in BASELINES if c in rows and rows[c].get(key) is not None]
        model = rows["ssm"].get(key)
        if not scored or model is None:
            out[key] = None
            continue
        best, name = better(scored)
        out[key] = dict(ssm=model, best_baseline=name, best=best, matched=model >= best if better is max else model <= best)
        if key == "ttd_from_calm":
            # the paired seed-bootstrap verdict against that baseline, as the CLI gave it
            out[key]["ssm_detects_first"] = rows[name].get("ssm_detects_first")
    return out


class TableError(ValueError):
    pass


def seed_range(seeds: list[int]) -> str:
    return f"{seeds[0]}..{seeds[-1]}" if seeds == list(range(seeds[0], seeds[-1] + 1)) else ",".join(map(str, seeds))


def lab_entry(report: dict, stem: str, name: str) -> tuple[str, dict]:
    """One CLI comparison (one lab) as the card's row set; raises TableError naming `name`."""
    for key in ("lab", "model", "seeds", "preset", "rows"):
        if key not in report:
            raise TableError(f"{name}: not a `regime --compare --json` report (no `{key}`)")
    if report["model"] != stem:
        raise TableError(f"{name}: measured with {report['model']}, not {stem} (run the CLI with --model {stem})")
    seeds = report["seeds"]
    if not seeds or min(seeds) < HELD_OUT_FROM:
        raise TableError(f"{name}: seeds must all be held out (≥ {HELD_OUT_FROM}); got {seed_range(seeds) if seeds else 'none'}")
    if not report["rows"]:
        raise TableError(f"{name}: has no rows")
    if any("ttd_from_calm" not in r for r in report["rows"]):
        raise TableError(f"{name}: has no fair time to detection (ttd_from_calm); run the comparison with this version of the CLI")
    rows = {r["classifier"]: {**{k: r.get(k) for k in ROW_KEYS}, LEGACY[1]: r.get(LEGACY[0])} for r in report["rows"]}
    ssm = next((r for r in report["rows"] if r["classifier"] == "ssm"), None)
    command = (f"node out/main/cli.js regime --lab {report['lab']} --preset {report['preset']} --compare "
               f"--seeds {seed_range(seeds)} --json --model {stem}")
    entry = dict(command=command, preset=report["preset"], seeds=seeds, sign_off=report.get("signOff"), rows=rows,
                 ssm_reliability=ssm.get("reliability") if ssm else None, ssm_vs_best_baseline=versus_best_baseline(rows))
    return report["lab"], entry


def with_table(card_text: str, reports: list[tuple[str, dict]]) -> str:
    """The card's text with `heldout_per_lab` set from the reports (name, parsed JSON); other bytes unchanged."""
    card = json.loads(card_text)
    if json.dumps(card, indent=1) != card_text:
        raise TableError("the card is not in the training scripts' layout (json.dumps indent=1); refusing to rewrite it")
    stem = card["name"]
    labs: dict[str, dict] = {}
    for name, report in reports:
        lab, entry = lab_entry(report, stem, name)
        if lab in labs:
            raise TableError(f"{name}: a second report for {lab}")
        labs[lab] = entry
    if not labs:
        raise TableError("no reports given")
    card["heldout_per_lab"] = dict(
        source="`mechanica regime --lab LAB --compare` (the Regime view's comparison): every classifier scored against "
               "the lab's own regime labels from the walk-forward start on; means over the seeds, detections summed, "
               "Brier and reliability pooled over the scored bars; ood_share: the share of scored bars on which the input "
               "was beyond the classifier's OOD radius, so the long/flat rule stood aside; ttd_from_calm: mean bars to detect a "
               "switch into stress met while calm, pooled over the seeds, with its 95 % seed-bootstrap interval (pre_flagged: "
               "already called stress on the bar before, no credit; missed: never called); ssm_minus_ttd_ci and "
               "ssm_detects_first: the paired seed bootstrap of the model's delay minus this baseline's; "
               "ttd_legacy_all_detected: the legacy mean over every detected switch, a pre-flagged one as 0 bars; "
               "ssm_vs_best_baseline: the model's accuracy and stress F1 against the best of the four baselines (matched: at "
               "least as high) and its ttd_from_calm against the fastest (matched: no slower)",
        labs={lab: labs[lab] for lab in sorted(labs)})
    return json.dumps(card, indent=1)


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        print("usage: card_lab_table.py CARD.json REPORT.json [REPORT.json ...]", file=sys.stderr)
        return 2
    card_path = Path(argv[0])
    try:
        reports = []
        for name in argv[1:]:
            try:
                reports.append((name, json.loads(Path(name).read_text())))
            except (OSError, json.JSONDecodeError) as error:
                raise TableError(f"{name}: cannot read a JSON report ({error})") from error
        text = with_table(card_path.read_text(), reports)
    except TableError as error:
        print(f"card_lab_table: {error}", file=sys.stderr)
        return 2
    card_path.write_text(text)
    print(f"{card_path}: heldout_per_lab for {len(reports)} labs")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
