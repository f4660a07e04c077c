#!/bin/sh
# k-means three ways on the same data (make_blobs, n x 20, k = 8, one k-means++ start per seed, seeds 0-2):
# scikit-learn (Lloyd and Elkan), Stratify's LloydKMeans, and Microsoft.ML's KMeansTrainer (k-means++ and Yinyang
# initialisation). Each prints seconds per fit and the objective, the within-cluster sum of squares in double precision.
# Run from the repository root:  sh tests/benchmarks/kmeans_vs_mlnet.sh [n]   (default 1,000,000)
set -e
n=${1:-1000000}
data=/tmp/kmeans_${n}x20.bin
/usr/bin/python3 tests/benchmarks/cluster_kmeans_sklearn.py "$data" "$n"
dotnet build -c Release tests/benchmarks/cluster_bench -v q -nologo | grep -E "error|rror\(s\)" || true
dotnet tests/benchmarks/cluster_bench/bin/Release/net10.0/ClusterBench.dll kmeans "$data"
