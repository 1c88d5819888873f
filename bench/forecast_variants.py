#!/usr/bin/env python3
"""The forecast variants of BENCHMARKS.md, "Forecasts on real months", recomputed outside
buurtbeeld: which step of issue #15 changed the held-out MAE by how much.

Usage (pip install numpy scipy):
    buurtbeeld demo
    buurtbeeld forecast --area GM0014 --level buurt --theme fietsdiefstal --from 2016-07 \
        --horizon 1 --format json > full.json
    python3 bench/forecast_variants.py full.json

The JSON's `history` of each buurt holds 2013-01 … 2016-06; the script trains on the first 30
months (to 2015-06) and scores 12 months ahead (2015-07 … 2016-06). It prints the simple
rules and the city's season × exponentially smoothed level with the season computed two ways
and α fixed or fitted per buurt, each with the mean and the median (negative binomial with
the one-step error variance) as the point forecast, and the PIT coverage of the central 80% and
95% (Czado, Gneiting & Held 2009).
"""
import json
import sys

import numpy as np
from scipy import stats

TRAIN, HORIZON = 30, 12
ALPHAS = [0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9]


def season_blocks(city):
    """Each complete year divided by its own mean, averaged."""
    years = len(city) // 12
    return sum(city[y * 12:(y + 1) * 12] / city[y * 12:(y + 1) * 12].mean() for y in range(years)) / years


def season_calendar(city):
    """Each calendar month's mean over all months, divided by the overall mean."""
    return np.array([city[m::12].mean() / city.mean() for m in range(12)])


def smooth(y, season, alpha):
    factor = season[np.arange(len(y)) % 12]
    x = y / factor
    level, errors = x[:12].mean(), []
    for t in range(len(y)):
        errors.append(y[t] - level * factor[t])
        level = alpha * x[t] + (1 - alpha) * level
    return level, np.mean(np.square(errors))


def main(path):
    areas = json.load(open(path))["areas"]
    y = np.array([a["history"] for a in areas], dtype=float)
    train, test = y[:, :TRAIN], y[:, TRAIN:TRAIN + HORIZON]
    mae = lambda p: np.abs(test - p).mean()
    print(f"{len(areas)} buurten × {HORIZON} months")
    print("same month last year", round(mae(train[:, TRAIN - 12:TRAIN]), 4))
    for k in (12, 24):
        window = train[:, -k:]
        print(f"mean {k}", round(mae(window.mean(1, keepdims=True)), 4),
              f"median {k}", round(mae(np.median(window, 1, keepdims=True)), 4))
    city = train.sum(0)
    months = np.arange(TRAIN, TRAIN + HORIZON) % 12
    for name, season in (("complete years", season_blocks(city)), ("calendar months", season_calendar(city))):
        for alpha in ("fitted", 0.05, 0.1, 0.2):
            means, variances = [], []
            for series in train:
                if alpha == "fitted":
                    a, (level, s2) = min(((a, smooth(series, season, a)) for a in ALPHAS), key=lambda z: z[1][1])
                else:
                    a = alpha
                    level, s2 = smooth(series, season, a)
                means.append(level * season[months])
                variances.append(s2 * (1 + np.arange(HORIZON) * a * a))
            mean = np.maximum(np.array(means), 1e-9)
            var = np.maximum(np.array(variances), mean * (1 + 1e-6))
            r = mean * mean / (var - mean)
            dist = stats.nbinom(r, r / (r + mean))
            low, high = dist.cdf(test - 1), dist.cdf(test)
            pit = lambda a, b: (np.clip(np.minimum(high, b) - np.maximum(low, a), 0, None) / np.maximum(high - low, 1e-300)).mean()
            print(f"season from {name}, α {alpha}: mean {mae(mean):.4f}, median {mae(dist.median()):.4f}, "
                  f"coverage 80% {pit(0.1, 0.9):.3f}, 95% {pit(0.025, 0.975):.3f}")


if __name__ == "__main__":
    main(sys.argv[1])
