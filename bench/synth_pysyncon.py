"""The pysyncon side of bench/synth.sh: the same synthetic control and placebo test as
`synth_bench` (crates/buurtbeeld_stats/examples/synth_bench.rs), on the same panel.

pysyncon fits the treated area's weights over the 48 pre-period months as predictors, with V set
to the predictors' variances so that its per-predictor standardisation cancels and the problem
is the same constrained least squares buurtbeeld solves (see
crates/buurtbeeld_stats/tests/oracle/effect.py). A fit with 500 donors takes long, so the
placebo test is timed on the first PLACEBOS donors and projected to all 500.

    pip install pysyncon==1.7.0 pandas numpy
    python3 bench/synth_pysyncon.py DIR [--placebos 2]
"""

import argparse
import json
import time
import warnings

import numpy as np
import pandas as pd
from pysyncon import Dataprep, Synth

START = 48


def fit(frame, treated, donors):
    dataprep = Dataprep(
        foo=frame,
        predictors=[],
        predictors_op="mean",
        dependent="y",
        unit_variable="area",
        time_variable="month",
        treatment_identifier=treated,
        controls_identifier=donors,
        time_predictors_prior=range(START),
        time_optimize_ssr=range(START),
        special_predictors=[("y", [t], "mean") for t in range(START)],
    )
    x0, x1 = dataprep.make_covariate_mats()
    stacked = pd.concat([x0, x1], axis=1)
    synth = Synth()
    synth.fit(dataprep=dataprep, custom_V=(stacked.std(axis=1) ** 2).to_numpy())
    return synth


def rmspe_ratio(frame, treated, donors, weights):
    wide = frame.pivot(index="month", columns="area", values="y")
    gap = wide[treated].to_numpy() - wide[donors].to_numpy() @ weights
    pre, post = gap[:START], gap[START:]
    return float(np.sqrt(np.mean(post**2)) / np.sqrt(np.mean(pre**2))), float(
        np.sqrt(np.mean(pre**2)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dir")
    parser.add_argument("--placebos", type=int, default=2)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    frame = pd.read_csv(f"{args.dir}/panel.csv")
    units = sorted(frame["area"].unique())
    treated, donors = units[0], units[1:]
    ours = json.load(open(f"{args.dir}/rust.json"))

    started = time.perf_counter()
    main_fit = fit(frame, treated, donors)
    main_seconds = time.perf_counter() - started
    weights = np.asarray(main_fit.W, dtype=float)
    ratio, pre_rmspe = rmspe_ratio(frame, treated, donors, weights)

    started = time.perf_counter()
    placebo_ratios, placebo_pre = [], []
    for j in donors[: args.placebos]:
        others = [d for d in donors if d != j]
        w = np.asarray(fit(frame, j, others).W, dtype=float)
        ratio_j, pre_j = rmspe_ratio(frame, j, others, w)
        placebo_ratios.append(ratio_j)
        placebo_pre.append(pre_j)
    placebo_seconds = (time.perf_counter() - started) / max(args.placebos, 1)
    projected = main_seconds + placebo_seconds * len(donors)

    ours_weights = np.asarray(ours["weights"])
    ours_ratios = ours["ratios"]
    print()
    print(f"Panel: 1 treated area, {len(donors)} donors, {ours['months']} months "
          f"({START} before the start); pysyncon placebos timed on {args.placebos} donors.")
    print()
    print("| tool | fits timed | seconds | all 501 fits (s) | speed-up |")
    print("|---|---:|---:|---:|---:|")
    print(f"| buurtbeeld synthetic_control_with_placebos (Clarabel, {ours['threads']} threads) "
          f"| 501 | {ours['seconds_median']:.2f} | {ours['seconds_median']:.2f} | 1 |")
    print(f"| pysyncon 1.7.0 Synth (SLSQP) | {1 + args.placebos} | "
          f"{main_seconds + placebo_seconds * args.placebos:.1f} | {projected:.0f} (projected) | "
          f"{projected / ours['seconds_median']:.0f}× |")
    print()
    print(f"Treated fit: max |weight difference| {np.max(np.abs(ours_weights - weights)):.2e}; "
          f"pre-RMSPE buurtbeeld {ours['pre_rmspe']:.4f}, pysyncon {pre_rmspe:.4f}; "
          f"RMSPE ratio buurtbeeld {ours_ratios[0]:.4f}, pysyncon {ratio:.4f}.")
    gaps = [abs(a - b) for a, b in zip(ours_ratios[1:], placebo_ratios)]
    print(f"Placebo ratios of the first {args.placebos} donors: max |difference| "
          f"{max(gaps):.2e}; buurtbeeld placebo p-value {ours['p_value']}.")
    # The same objective: the lower pre-period RMSPE is the better solution.
    for k, pre in enumerate(placebo_pre):
        print(f"Placebo {donors[k]}: pre-RMSPE buurtbeeld {ours['placebo_pre_rmspe'][k]:.6f}, "
              f"pysyncon {pre:.6f}.")


if __name__ == "__main__":
    main()
