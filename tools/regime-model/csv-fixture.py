#!/usr/bin/env python3
"""A user's daily closes for the Regime view's CSV comparison (e2e/regime-csv.e2e.ts).

    /usr/bin/python3 tools/regime-model/csv-fixture.py

writes e2e/fixtures/regime-closes.csv (date,close): 1,600 business days, so the upload needs two
parts of the view's chunked `regime.compareCsv` call and the walk-forward scores 960 bars after
its start at 40 % of the series. A calm drift at 0.8 % daily volatility with two stress spells
(days 1,050–1,150 and 1,350–1,420) at 3.2 % and a negative drift, so the classifiers have
something to call. Deterministic: numpy PCG64 with a fixed seed; closes rounded to 4 decimals.
"""

import datetime as dt
import os

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "e2e", "fixtures", "regime-closes.csv")
DAYS = 1600
STRESS = [(1050, 1150), (1350, 1420)]


def main() -> None:
    rng = np.random.Generator(np.random.PCG64(20261207))
    close = 100.0
    day = dt.date(2019, 1, 1)
    rows = ["date,close"]
    for d in range(DAYS):
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
        if d > 0:
            stress = any(a <= d < b for a, b in STRESS)
            vol, drift = (0.032, -0.002) if stress else (0.008, 0.0004)
            close *= float(np.exp(drift + vol * rng.standard_normal()))
        rows.append(f"{day.isoformat()},{close:.4f}")
        day += dt.timedelta(days=1)
    with open(OUT, "w", encoding="utf-8") as f:
        f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
