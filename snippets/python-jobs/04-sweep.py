"""One point of a parameter sweep: the job array's task ID picks the value of C."""

import os
from pathlib import Path

from sklearn.datasets import load_digits
from sklearn.model_selection import cross_val_score
from sklearn.svm import SVC

C_VALUES = [0.01, 0.1, 1.0, 10.0, 100.0]

task = int(os.environ["SLURM_ARRAY_TASK_ID"])  # 0, 1, ... from --array
C = C_VALUES[task]

X, y = load_digits(return_X_y=True)
accuracy = cross_val_score(SVC(C=C, gamma=0.001), X, y, cv=5).mean()
print(f"task {task}: C={C} accuracy={accuracy:.4f}")

results = Path("results")
results.mkdir(exist_ok=True)
(results / f"C_{C}.txt").write_text(f"{C} {accuracy:.4f}\n")
