# test: run=python env=sci needs=conda/02-create.console expect="^Mean accuracy: 0\.9" timeout=120
"""Fit a support vector classifier to the handwritten digits and report its accuracy."""

import argparse
import time

from sklearn.datasets import load_digits
from sklearn.model_selection import cross_val_score
from sklearn.svm import SVC

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--C", type=float, default=1.0, help="regularisation strength")
parser.add_argument("--gamma", type=float, default=0.001, help="RBF kernel width")
args = parser.parse_args()

start = time.perf_counter()
X, y = load_digits(return_X_y=True)  # ships with scikit-learn: no download
print(f"Loaded {len(X)} images of {X.shape[1]} pixels", flush=True)

scores = cross_val_score(SVC(C=args.C, gamma=args.gamma), X, y, cv=5)
print(f"C={args.C} gamma={args.gamma}")
print(f"Fold accuracies: {', '.join(f'{s:.3f}' for s in scores)}")
print(f"Mean accuracy: {scores.mean():.4f}")
print(f"Took {time.perf_counter() - start:.1f} s")
