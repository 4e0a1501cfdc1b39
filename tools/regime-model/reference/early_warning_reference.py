"""Independent reference for src/main/regime/early-warning.ts (the regime model's early-warning rule).

Writes src/main/regime/early-warning.reference.json: a P(stable) series (NaN warm-up, a calm
stretch, a slow rise of P(stress), stress, a recovery, saturated 0 and 1 values) and, bar by bar,
the CUSUM evidence and the stress call, computed here with NumPy from the rule's definition:

    q_t = clip(1 - P(stable)_t, 1e-6, 1 - 1e-6);  L_t = log(q_t / (1 - q_t))
    E_t = min(cap, max(0, E_{t-1} + L_t - reference));  call_t = 1 if E_t >= threshold else 0
    (NaN P(stable): E unchanged, call -1)

Run from the repository root:  /usr/bin/python3 tools/regime-model/reference/early_warning_reference.py
"""
import json
import numpy as np
import scipy

RULE = {"reference": -2.0, "threshold": 8.0, "cap": 11.0}


def series(rng):
    calm = rng.beta(1.2, 25.0, 120)                    # P(stress) mostly < 0.1, a few spikes
    rise = np.clip(np.linspace(0.05, 0.6, 40) + rng.normal(0, 0.08, 40), 0.001, 0.999)
    stress = rng.beta(8.0, 2.0, 60)
    recovery = np.clip(np.linspace(0.5, 0.02, 30) + rng.normal(0, 0.05, 30), 0.001, 0.999)
    saturated = np.array([0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0])
    q = np.concatenate([calm, rise, stress, recovery, saturated])
    p_stable = np.concatenate([np.full(7, np.nan), 1.0 - q])
    return p_stable


def reference(p_stable, rule):
    q = np.clip(1.0 - p_stable, 1e-6, 1 - 1e-6)      # NaN stays NaN
    log_odds = np.log(q) - np.log1p(-q)
    evidence = np.empty_like(p_stable)
    call = np.empty(len(p_stable), dtype=int)
    e = 0.0
    for t, l in enumerate(log_odds):
        if np.isnan(l):
            evidence[t], call[t] = e, -1
            continue
        e = float(np.clip(e + l - rule["reference"], 0.0, rule["cap"]))
        evidence[t], call[t] = e, int(e >= rule["threshold"])
    return evidence, call


def main():
    p = series(np.random.default_rng(20))
    evidence, call = reference(p, RULE)
    out = {
        "provenance": f"tools/regime-model/reference/early_warning_reference.py, NumPy {np.__version__}, SciPy {scipy.__version__}",
        "rule": RULE,
        "pStable": [None if np.isnan(x) else float(x) for x in p],
        "evidence": [float(x) for x in evidence],
        "call": [int(x) for x in call],
    }
    with open("src/main/regime/early-warning.reference.json", "w") as f:
        json.dump(out, f)
        f.write("\n")
    print(f"{len(p)} bars, {int((call == 1).sum())} called stress")


if __name__ == "__main__":
    main()
