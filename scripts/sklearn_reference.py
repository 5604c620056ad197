#!/usr/bin/python3
"""Reference accuracies from scikit-learn for test/training/sklearn-cv.test.ts.

For each bundled classification set (data/*.csv, last column the target), 5-fold stratified
cross-validation of

    MLPClassifier(hidden_layer_sizes=(100,), activation='relu', solver='adam',
                  early_stopping=False | True, random_state=seed)   # every other setting default

with the inputs standardised by a StandardScaler fitted on the training folds only. Each
configuration is run with several model seeds and the per-fold accuracies are averaged over
them, so the reference is not one lucky or unlucky initialisation. The fold of every row is
written out too, so the TypeScript side trains and tests on exactly the same folds.

Run with Debian's python3-sklearn (apt-get install python3-sklearn):
    /usr/bin/python3 scripts/sklearn_reference.py
writes test/golden/sklearn-cv.json. No test runs Python; the JSON is checked in.
"""
import csv
import json
import os
import platform
import sys
import time
import warnings

import numpy as np
import scipy
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import StratifiedKFold
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SETS = ['iris', 'wine', 'breast-cancer', 'digits', 'pima-indians-diabetes']
FOLDS = 5
SPLIT_SEED = 0
MODEL_SEEDS = [0, 1, 2]


def load(name):
    with open(os.path.join(ROOT, 'data', f'{name}.csv'), newline='') as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    x = np.array([[float(v) for v in r[:-1]] for r in body])
    y = np.array([r[-1] for r in body])
    return header, x, y


def main():
    out = {
        'generatedBy': 'scripts/sklearn_reference.py',
        'versions': {
            'python': platform.python_version(),
            'sklearn': sklearn.__version__,
            'numpy': np.__version__,
            'scipy': scipy.__version__,
        },
        'protocol': {
            'cv': f'StratifiedKFold(n_splits={FOLDS}, shuffle=True, random_state={SPLIT_SEED})',
            'scaling': 'StandardScaler fitted on the training folds only',
            'model': "MLPClassifier(hidden_layer_sizes=(100,), activation='relu', solver='adam', early_stopping=..., random_state=seed); other settings default (alpha=1e-4, batch_size=min(200, n), learning_rate_init=1e-3, max_iter=200, tol=1e-4, n_iter_no_change=10, validation_fraction=0.1)",
            'modelSeeds': MODEL_SEEDS,
            'accuracy': 'per fold: mean over model seeds of the test-fold accuracy; overall: mean over folds',
        },
        'sets': {},
    }
    for name in SETS:
        _, x, y = load(name)
        skf = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SPLIT_SEED)
        fold_of = np.zeros(len(y), dtype=int)
        splits = list(skf.split(x, y))
        for k, (_, test) in enumerate(splits):
            fold_of[test] = k
        entry = {'rows': int(len(y)), 'features': int(x.shape[1]), 'classes': sorted(set(y.tolist())), 'foldOfRow': fold_of.tolist()}
        for early in (False, True):
            t0 = time.time()
            per_fold = []
            iterations = []
            for train, test in splits:
                scaler = StandardScaler().fit(x[train])
                xtr, xte = scaler.transform(x[train]), scaler.transform(x[test])
                accs = []
                its = []
                for seed in MODEL_SEEDS:
                    clf = MLPClassifier(hidden_layer_sizes=(100,), activation='relu', solver='adam', early_stopping=early, random_state=seed)
                    with warnings.catch_warnings():
                        warnings.simplefilter('ignore', ConvergenceWarning)
                        clf.fit(xtr, y[train])
                    accs.append(float(np.mean(clf.predict(xte) == y[test])))
                    its.append(int(clf.n_iter_))
                per_fold.append(float(np.mean(accs)))
                iterations.append(its)
            key = 'earlyStopping' if early else 'noEarlyStopping'
            entry[key] = {
                'accuracy': float(np.mean(per_fold)),
                'foldAccuracy': per_fold,
                'epochsRun': iterations,
                'seconds': round(time.time() - t0, 2),
            }
            print(f'{name:24s} {key:16s} {np.mean(per_fold):.4f}  epochs {iterations}', file=sys.stderr)
        out['sets'][name] = entry
    path = os.path.join(ROOT, 'test', 'golden', 'sklearn-cv.json')
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        json.dump(out, f, indent=1)
        f.write('\n')
    print(f'wrote {path}', file=sys.stderr)


if __name__ == '__main__':
    main()
