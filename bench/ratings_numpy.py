"""The ratings command's method in Python with numpy, as a peer to time it against (bench/ratings-cli.ts).

Same method as lib/ratings: battles read from CSV (model_a, model_b, winner, tstamp), online Elo
(K = 4) in tstamp order, Bradley-Terry maximum likelihood on the Elo scale (wins count 2, ties and
both-bad 1 for each side) by Newton's method, and a 1,000-round bootstrap that draws each round
as one multinomial over the (pair, outcome) cells and re-solves from the point estimate.
Prints the phase timings as JSON on stdout.
"""

import csv
import json
import math
import sys
import time

import numpy as np

SCALE = 400 / math.log(10)


def newton(i, j, wij, wji, m, theta, iterations=100):
    for _ in range(iterations):
        d = theta[i] - theta[j]
        s = 1 / (1 + np.exp(-d))
        total = wij + wji
        g = total * s - wij
        grad = np.bincount(i, g, m) - np.bincount(j, g, m)
        h = total * s * (1 - s)
        hess = np.zeros((m, m))
        np.add.at(hess, (i, i), h)
        np.add.at(hess, (j, j), h)
        np.add.at(hess, (i, j), -h)
        np.add.at(hess, (j, i), -h)
        hess += np.trace(hess) / (m * m)
        step = np.linalg.solve(hess, grad)
        theta = theta - step
        if np.max(np.abs(step)) < 1e-8:
            break
    return theta - theta.mean()


def main(path, rounds):
    started = time.perf_counter()
    with open(path, newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        ia, ib, iw, it = (header.index(c) for c in ("model_a", "model_b", "winner", "tstamp"))
        rows = [(float(r[it]), r[ia], r[ib], r[iw]) for r in reader]
    rows.sort(key=lambda r: r[0])
    parsed = time.perf_counter()

    names = {}
    a = np.empty(len(rows), dtype=np.int64)
    b = np.empty(len(rows), dtype=np.int64)
    w = np.empty(len(rows), dtype=np.int64)
    code = {"model_a": 0, "model_b": 1, "tie": 2, "tie (bothbad)": 3}
    for k, (_, ma, mb, winner) in enumerate(rows):
        a[k] = names.setdefault(ma, len(names))
        b[k] = names.setdefault(mb, len(names))
        w[k] = code[winner]
    m = len(names)

    elo = [1000.0] * m
    score = (1.0, 0.0, 0.5, 0.5)
    for x, y, o in zip(a.tolist(), b.tolist(), w.tolist()):
        ra, rb = elo[x], elo[y]
        ea = 1 / (1 + 10 ** ((rb - ra) / 400))
        eb = 1 / (1 + 10 ** ((ra - rb) / 400))
        sa = score[o]
        elo[x] = ra + 4 * (sa - ea)
        elo[y] = rb + 4 * (1 - sa - eb)
    elo_done = time.perf_counter()

    lo, hi = np.minimum(a, b), np.maximum(a, b)
    first = ((w == 0) & (a == lo)) | ((w == 1) & (b == lo))
    second = ((w == 0) & (a == hi)) | ((w == 1) & (b == hi))
    outcome = np.where(first, 0, np.where(second, 1, 2))
    cell = (lo * m + hi) * 3 + outcome
    keys, counts = np.unique(cell, return_counts=True)
    pair = keys // 3
    kind = keys % 3
    pairs, pair_index = np.unique(pair, return_inverse=True)
    pi, pj = pairs // m, pairs % m

    def weights(cell_counts):
        per = np.zeros((len(pairs), 3))
        np.add.at(per, (pair_index, kind), cell_counts)
        return 2 * per[:, 0] + per[:, 2], 2 * per[:, 1] + per[:, 2]

    wij, wji = weights(counts)
    theta = newton(pi, pj, wij, wji, m, np.zeros(m))
    point = 1000 + SCALE * theta
    fitted = time.perf_counter()

    rng = np.random.default_rng(0)
    total = counts.sum()
    samples = np.empty((rounds, m))
    for r in range(rounds):
        drawn = rng.multinomial(total, counts / total)
        bij, bji = weights(drawn)
        samples[r] = 1000 + SCALE * newton(pi, pj, bij, bji, m, theta)
    low, high = np.quantile(samples, [0.025, 0.975], axis=0)
    done = time.perf_counter()
    print(
        json.dumps(
            {
                "votes": len(rows),
                "models": m,
                "readAndParseMs": (parsed - started) * 1000,
                "onlineEloMs": (elo_done - parsed) * 1000,
                "pointMs": (fitted - elo_done) * 1000,
                "bootstrapMs": (done - fitted) * 1000,
                "totalMs": (done - started) * 1000,
                "topRating": float(point.max()),
                "ciWidth": float(np.mean(high - low)),
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1000)
