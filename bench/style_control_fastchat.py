"""Chatbot Arena's bootstrapped style control, as FastChat computes it, as the peer for bench/style-control.ts.

The method of FastChat's compute_bootstrap_style_control (fastchat/serve/monitor/rating_systems.py),
written out with numpy and scipy: features (a - b) / (a + b + 1) per style count, z-scored over the
battles; a Bradley-Terry model with the four feature terms, outcome 1 / 0.5 / 0 for model_a,
log loss + 0.25 * sum(params^2), fitted by scipy's L-BFGS-B (maxiter 100, gtol 1e-6) on each of
ROUNDS resamples of the battles drawn with replacement, in a process pool over every core.

Input: a CSV with model_a, model_b, winner and the eight counts length_a, headers_a, lists_a,
bold_a, length_b, headers_b, lists_b, bold_b. Prints the timings as JSON on stdout.
"""

import json
import math
import multiprocessing as mp
import os
import sys
import time

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit

ALPHA = math.log(10.0)
REG = 0.5


def read(path):
    with open(path) as f:
        header = f.readline().strip().split(",")
        rows = [line.rstrip("\n").split(",") for line in f]
    col = {name: i for i, name in enumerate(header)}
    names = {}
    a = np.array([names.setdefault(r[col["model_a"]], len(names)) for r in rows], dtype=np.int64)
    b = np.array([names.setdefault(r[col["model_b"]], len(names)) for r in rows], dtype=np.int64)
    winner = [r[col["winner"]] for r in rows]
    outcomes = np.array([1.0 if w == "model_a" else 0.0 if w == "model_b" else 0.5 for w in winner])
    counts = {k: np.array([float(r[col[k]]) for r in rows]) for k in header[3:]}
    return np.column_stack([a, b]), outcomes, counts, len(names)


def features_of(counts):
    columns = []
    for feature in ["length", "headers", "lists", "bold"]:
        a, b = counts[f"{feature}_a"], counts[f"{feature}_b"]
        diff = (a - b) / (a + b + 1)
        columns.append((diff - diff.mean()) / diff.std())
    return np.column_stack(columns)


def loss_and_grad(params, n_models, matchups, features, outcomes):
    ratings, coefficients = params[:n_models], params[n_models:]
    logits = ALPHA * (ratings[matchups[:, 0]] - ratings[matchups[:, 1]]) + features @ coefficients
    probs = expit(logits)
    loss = -(np.log(probs) * outcomes + np.log(1.0 - probs) * (1.0 - outcomes)).sum() + REG / 2 * params @ params
    error = outcomes - probs
    grad = REG * params
    np.add.at(grad[:n_models], matchups, (-ALPHA * error)[:, None] * np.array([1.0, -1.0]))
    grad[n_models:] -= features.T @ error
    return loss, grad


def fit(matchups, features, outcomes, n_models, idxs):
    m, f, o = matchups[idxs], features[idxs], outcomes[idxs]
    result = minimize(
        loss_and_grad,
        np.zeros(n_models + f.shape[1]),
        args=(n_models, m, f, o),
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": 100, "gtol": 1e-6},
    )
    return result.x


_data = None


def _init(data):
    global _data
    _data = data


def _fit_round(seed):
    matchups, features, outcomes, n_models = _data
    # Each round's resample is drawn in the worker: a hundred index arrays of a million would not fit.
    idxs = np.random.default_rng(seed).integers(0, len(outcomes), len(outcomes))
    return fit(matchups, features, outcomes, n_models, idxs)


def main():
    path, rounds = sys.argv[1], int(sys.argv[2])
    started = time.perf_counter()
    matchups, outcomes, counts, n_models = read(path)
    features = features_of(counts)
    read_s = time.perf_counter() - started
    fit_started = time.perf_counter()
    n = len(outcomes)
    with mp.Pool(os.cpu_count(), initializer=_init, initargs=((matchups, features, outcomes, n_models),)) as pool:
        results = np.array(pool.map(_fit_round, range(rounds)))
    ratings = np.median(results[:, :n_models], axis=0) * 400 + 1000
    print(
        json.dumps(
            {
                "readSeconds": read_s,
                "bootstrapSeconds": time.perf_counter() - fit_started,
                "rounds": rounds,
                "battles": n,
                "medianRatingSpread": float(ratings.max() - ratings.min()),
            }
        )
    )


if __name__ == "__main__":
    main()
