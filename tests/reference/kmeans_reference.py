"""Reference values for Stratify's k-means, Gaussian mixture and adjusted Rand index tests.

Run from the repository root with Debian's Python (scikit-learn 1.2):
    /usr/bin/python3 tests/reference/kmeans_reference.py
Writes tests/reference/kmeans_reference.json.

Data: numeric features of the bundled cohorts, standardised as Stratify's FeatureScaling.Standardise does
((x - mean) / SD with n - 1), no missing values in these columns.
"""
import csv
import json

import numpy as np
import sklearn
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score

SETS = {
    "gbsg": ["age", "size", "nodes", "pgr", "er"],
    "rotterdam": ["age", "nodes", "pgr", "er"],
}


def load(name, columns):
    with open(f"datasets/{name}.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    x = np.array([[float(r[c]) for c in columns] for r in rows])
    return (x - x.mean(axis=0)) / x.std(axis=0, ddof=1)


out = {"sklearn_version": sklearn.__version__, "numpy_version": np.__version__, "kmeans": {}, "ari": [], "gmm": {}}

# k-means: best inertia of KMeans(n_init=10) (greedy k-means++, lloyd), and the best over 20 seeds of that.
for name, columns in SETS.items():
    x = load(name, columns)
    cases = []
    for k in range(2, 7):
        fits = [KMeans(n_clusters=k, n_init=10, random_state=seed, algorithm="lloyd").fit(x) for seed in range(20)]
        cases.append({
            "k": k,
            "columns": columns,
            "inertia_n_init_10_seed_0": float(fits[0].inertia_),
            "inertia_best_of_20_seeds": float(min(f.inertia_ for f in fits)),
            "labels_seed_0": fits[0].labels_.tolist(),
        })
    out["kmeans"][name] = cases

# Adjusted Rand index on label vectors: k-means partitions of gbsg against each other, and seeded random labels.
gbsg = out["kmeans"]["gbsg"]
rng = np.random.default_rng(2024)
pairs = [(gbsg[0]["labels_seed_0"], gbsg[1]["labels_seed_0"]), (gbsg[1]["labels_seed_0"], gbsg[4]["labels_seed_0"]),
         (rng.integers(0, 3, 200).tolist(), rng.integers(0, 4, 200).tolist()),
         ([0, 0, 1, 1, 2, 2], [1, 1, 0, 0, 2, 2]), ([0, 0, 0, 1, 1, 1], [0, 1, 2, 3, 4, 5])]
for a, b in pairs:
    out["ari"].append({"a": list(map(int, a)), "b": list(map(int, b)), "ari": float(adjusted_rand_score(a, b))})

# Gaussian mixtures from a fully specified start (Stratify's GaussianMixture.FitFrom initialisation): initial means =
# rows at 0, n/3, 2n/3 (k = 3); hard partition by nearest initial mean; weights and covariances of that partition
# (+ reg_covar); passed to scikit-learn as weights_init, means_init, precisions_init so both run EM from one state.
from sklearn.mixture import GaussianMixture  # noqa: E402
from sklearn.mixture._gaussian_mixture import _estimate_gaussian_parameters  # noqa: E402

for name, columns in SETS.items():
    x = load(name, columns)
    n = x.shape[0]
    rows = [0, n // 3, 2 * n // 3]
    means0 = x[rows]
    labels = np.argmin(((x[:, None, :] - means0[None, :, :]) ** 2).sum(axis=2), axis=1)
    resp = np.zeros((n, 3))
    resp[np.arange(n), labels] = 1
    cases = []
    for cov_type in ("full", "diag"):
        nk, _, cov = _estimate_gaussian_parameters(x, resp, 1e-6, cov_type)
        precisions = np.linalg.inv(cov) if cov_type == "full" else 1.0 / cov
        gm = GaussianMixture(n_components=3, covariance_type=cov_type, weights_init=nk / n, means_init=means0,
                             precisions_init=precisions, max_iter=100, tol=1e-3, random_state=0).fit(x)
        cases.append({"covariance": cov_type, "columns": columns, "initial_rows": rows,
                      "lower_bound": float(gm.lower_bound_), "n_iter": int(gm.n_iter_), "converged": bool(gm.converged_),
                      "score": float(gm.score(x)), "bic": float(gm.bic(x)),
                      "weights": gm.weights_.tolist(), "means": gm.means_.ravel().tolist()})
    out["gmm"][name] = cases

with open("tests/reference/kmeans_reference.json", "w") as f:
    json.dump(out, f)
