"""k-means speed reference: scikit-learn on 1,000,000 x 20 (or n x 20), k = 8, one k-means++ start.

    /usr/bin/python3 tests/benchmarks/cluster_kmeans_sklearn.py /tmp/kmeans_1e6x20.bin [n]
Writes the data (float64, row-major, seeded make_blobs) to the given file for the C# harness
(tests/benchmarks/cluster_bench) and prints scikit-learn's fit time and inertia.
"""
import sys
import time

import numpy as np
import sklearn
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs

path = sys.argv[1] if len(sys.argv) > 1 else "/tmp/kmeans_1e6x20.bin"
n = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
x, _ = make_blobs(n_samples=n, n_features=20, centers=8, cluster_std=4.0, random_state=42)
x = np.ascontiguousarray(x, dtype=np.float64)
x.tofile(path)
print(f"scikit-learn {sklearn.__version__}; data written to {path}")
for algorithm in ("lloyd", "elkan"):
    times, inertias, iters = [], [], []
    for seed in range(3):
        t = time.perf_counter()
        km = KMeans(n_clusters=8, n_init=1, random_state=seed, algorithm=algorithm).fit(x)
        times.append(time.perf_counter() - t)
        inertias.append(km.inertia_)
        iters.append(km.n_iter_)
    print(f"sklearn {algorithm}: times {['%.3f' % v for v in times]} s, inertia {inertias}, iterations {iters}")
