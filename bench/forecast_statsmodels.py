"""The statsmodels side of bench/forecast_national.sh, and the accuracy comparison.

Reads `buurtbeeld forecast --format json` (each area's history and, for the forecast months
already in the store, the actual counts), fits statsmodels ExponentialSmoothing (additive
trend and season, period 12, statsmodels' default estimation) to every sampled series' history
and forecasts the same months. Prints the time per series and, on the same series, the hold-out
MASE of both sides (scale: in-sample MAE of the seasonal naive forecast on the history).

    pip install statsmodels==0.15.0 numpy scipy
    python3 bench/forecast_statsmodels.py forecast.json --every 10 --processes 2
"""

import argparse
import json
import multiprocessing
import sys
import time
import warnings

import numpy as np
from scipy.stats import binomtest


def fit_and_forecast(job):
    import statsmodels
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    history, horizon = job
    with warnings.catch_warnings():
        # Zero-heavy buurt series make the optimiser warn; a user's loop would carry on too.
        warnings.simplefilter("ignore")
        model = ExponentialSmoothing(
            np.asarray(history, dtype=float),
            trend="add",
            seasonal="add",
            seasonal_periods=12,
        ).fit()
        return np.clip(model.forecast(horizon), 0.0, None).tolist(), statsmodels.__version__


def seasonal_naive_scale(history):
    h = np.asarray(history, dtype=float)
    return float(np.mean(np.abs(h[12:] - h[:-12])))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("forecast_json")
    parser.add_argument("--every", type=int, default=1, help="take every k-th series")
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--buurtbeeld-seconds", type=float, required=True)
    args = parser.parse_args()

    with open(args.forecast_json) as f:
        result = json.load(f)
    areas = result["areas"]
    horizon = result["horizon"]
    actual = {}
    ours = {}
    for row in result["rows"]:
        actual.setdefault(row["code"], []).append(row["actual"])
        ours.setdefault(row["code"], []).append(row["forecast"])
    sample = areas[:: args.every]
    jobs = [(a["history"], horizon) for a in sample]

    start = time.perf_counter()
    if args.processes > 1:
        with multiprocessing.Pool(args.processes) as pool:
            fitted = pool.map(fit_and_forecast, jobs, chunksize=16)
    else:
        fitted = [fit_and_forecast(job) for job in jobs]
    seconds = time.perf_counter() - start
    version = fitted[0][1] if fitted else "?"

    mase_ours, mase_theirs, better, worse = [], [], 0, 0
    for area, (theirs, _) in zip(sample, fitted):
        truth = actual[area["code"]]
        if any(t is None for t in truth):
            sys.exit(f"{area['code']}: the hold-out months are not all in the store")
        scale = seasonal_naive_scale(area["history"])
        if scale == 0.0:
            continue
        truth = np.asarray(truth, dtype=float)
        a = float(np.mean(np.abs(np.asarray(ours[area["code"]]) - truth))) / scale
        b = float(np.mean(np.abs(np.asarray(theirs) - truth))) / scale
        mase_ours.append(a)
        mase_theirs.append(b)
        better += a < b
        worse += a > b

    n_all, n = len(areas), len(sample)
    per_series_ms = 1000.0 * seconds / max(n, 1)
    projected = per_series_ms * n_all / 1000.0
    ours_ms = 1000.0 * args.buurtbeeld_seconds / n_all
    print()
    print(f"Series: {n_all} buurten, {len(areas[0]['history'])} months of history, horizon {horizon}; "
          f"statsmodels on every {args.every}th series ({n}), {args.processes} process(es).")
    print()
    print("| tool | series timed | seconds | ms per series | all series (s) | speed-up |")
    print("|---|---:|---:|---:|---:|---:|")
    print(f"| buurtbeeld forecast (7 methods, 12-origin backtest, selection) | {n_all} | "
          f"{args.buurtbeeld_seconds:.1f} | {ours_ms:.2f} | {args.buurtbeeld_seconds:.1f} | 1 |")
    print(f"| statsmodels {version} ExponentialSmoothing(add, add, 12).fit() + forecast | {n} | "
          f"{seconds:.1f} | {per_series_ms:.1f} | {projected:.0f} (projected) | "
          f"{projected / args.buurtbeeld_seconds:.0f}× |")
    print()
    print(f"Hold-out MASE on the {len(mase_ours)} sampled series with a non-zero scale:")
    print()
    print("| tool | mean MASE | median MASE | series better | series worse |")
    print("|---|---:|---:|---:|---:|")
    print(f"| buurtbeeld (chosen method) | {np.mean(mase_ours):.3f} | {np.median(mase_ours):.3f} | {better} | {worse} |")
    print(f"| statsmodels ExponentialSmoothing | {np.mean(mase_theirs):.3f} | {np.median(mase_theirs):.3f} | {worse} | {better} |")
    # Is the difference more than the luck of the sample? Paired, per series.
    difference = np.asarray(mase_ours) - np.asarray(mase_theirs)
    rng = np.random.default_rng(20261123)
    means = [rng.choice(difference, difference.size).mean() for _ in range(10_000)]
    low, high = np.percentile(means, [2.5, 97.5])
    sign_p = binomtest(better, better + worse).pvalue
    print()
    print(f"Paired difference buurtbeeld − statsmodels: mean {difference.mean():+.4f} MASE "
          f"(95% bootstrap interval {low:+.4f} … {high:+.4f}, 10.000 resamples, seed 20261123); "
          f"sign test on better/worse series: p = {sign_p:.2g}.")


if __name__ == "__main__":
    main()
