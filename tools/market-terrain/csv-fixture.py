#!/usr/bin/env python3
"""A small multi-asset price file for the Terrain view's CSV source (e2e/terrain-csv.e2e.ts).

    /usr/bin/python3 tools/market-terrain/csv-fixture.py

writes e2e/fixtures/terrain-five-assets.csv: long format (date,ticker,close), five assets over
300 business days, so the upload needs two parts of the view's chunked `terrain.csv` call.
Two blocks (EQA, EQB, EQC on one driver; BND, GLD on another) for the first 180 days; then the
bond block turns to follow the equity driver with the opposite sign and the volatility doubles,
so the terrain shows fault alerts and a regime change the grouping methods can find.
Deterministic: numpy PCG64 with a fixed seed; prices rounded to 4 decimals.
"""

import datetime as dt
import os

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "e2e", "fixtures", "terrain-five-assets.csv")
TICKERS = ["EQA", "EQB", "EQC", "BND", "GLD"]
DAYS = 300
BREAK = 180


def main() -> None:
    rng = np.random.Generator(np.random.PCG64(20261206))
    prices = np.array([100.0, 80.0, 120.0, 95.0, 150.0])
    day = dt.date(2024, 1, 1)
    rows = ["date,ticker,close"]
    for d in range(DAYS):
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
        if d > 0:
            eq, other = rng.standard_normal(2)
            idio = rng.standard_normal(5)
            vol = 0.008 if d < BREAK else 0.016
            drivers = [eq, eq, eq, other, other] if d < BREAK else [eq, eq, eq, -eq, -0.5 * eq + 0.5 * other]
            returns = vol * (np.array(drivers) + 0.45 * idio)
            prices = prices * np.exp(returns)
        rows.extend(f"{day.isoformat()},{t},{p:.4f}" for t, p in zip(TICKERS, prices))
        day += dt.timedelta(days=1)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
