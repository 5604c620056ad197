#!/usr/bin/python3
"""scikit-learn's side of `npm run bench:tables`: golden scores and times per table and fold.

Reads bench/tables/tables.json (sets, targets, tasks) and the CSV files in bench/tables/data/.
Writes the fold of every row to bench/tables/folds.json (StratifiedKFold for classes, KFold for
regression; 5 folds, shuffle=True, random_state=0), which the TypeScript side reads too, and the
scores to bench/tables/sklearn-golden.json. Two peers, each as a scikit-learn user would write it:

  mlp:     ColumnTransformer([numbers: SimpleImputer(median) -> StandardScaler,
                              text: SimpleImputer(most_frequent) -> OneHotEncoder(handle_unknown=ignore)])
           -> MLPClassifier(random_state=0) / TransformedTargetRegressor(MLPRegressor(random_state=0), StandardScaler)
           (scikit-learn's defaults otherwise: (100,) ReLU, Adam 1e-3, batch min(200, n), 200 epochs)
  histgb:  numbers as they are (missing values native), text -> OrdinalEncoder, marked categorical
           -> HistGradientBoostingClassifier/Regressor(random_state=0), defaults otherwise

Score: accuracy or R2 on each held-out fold; time: seconds of fit + predict of the fold (one
thread: OMP_NUM_THREADS=1 is set before numpy loads). Missing cells are the spellings backprop
reads as missing (blank, NA, N/A, ?, NaN, null, None).

Run with Debian's python3-sklearn, from the repository root:
    /usr/bin/python3 bench/tables/sklearn_tables.py [set ...]
No benchmark run needs Python; the JSON is checked in.
"""
import os
os.environ.setdefault('OMP_NUM_THREADS', '1')
import csv
import json
import math
import platform
import sys
import time
import warnings

import numpy as np
import sklearn
from sklearn.compose import ColumnTransformer, TransformedTargetRegressor
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.impute import SimpleImputer
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))
MISSING = {'', 'na', 'n/a', '?', 'nan', 'null', 'none'}


def is_number(s):
    try:
        return math.isfinite(float(s))
    except ValueError:
        return False


def load(name, target):
    with open(os.path.join(HERE, 'data', name + '.csv'), newline='') as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    t = header.index(target)
    numeric, text = [], []
    for j in range(len(header)):
        if j == t:
            continue
        present = [r[j].strip() for r in body if r[j].strip().lower() not in MISSING]
        (numeric if all(is_number(v) for v in present) else text).append(j)
    cell = lambda v: np.nan if v.strip().lower() in MISSING else v.strip()
    x_num = np.array([[float(cell(r[j])) for j in numeric] for r in body], dtype=float).reshape(len(body), len(numeric))
    x_text = np.array([[cell(r[j]) for j in text] for r in body], dtype=object).reshape(len(body), len(text))
    y = [r[t].strip() for r in body]
    return x_num, x_text, y


def mlp(n_num, n_text, task, seed=0):
    steps = [('num', Pipeline([('impute', SimpleImputer(strategy='median')), ('scale', StandardScaler())]), list(range(n_num)))]
    if n_text:
        steps.append(('cat', Pipeline([('impute', SimpleImputer(strategy='most_frequent')), ('onehot', OneHotEncoder(handle_unknown='ignore'))]), list(range(n_num, n_num + n_text))))
    model = MLPClassifier(random_state=seed) if task == 'classification' else TransformedTargetRegressor(MLPRegressor(random_state=seed), transformer=StandardScaler())
    return Pipeline([('columns', ColumnTransformer(steps)), ('mlp', model)])


def histgb(n_num, n_text, task, seed=0):
    steps = [('num', 'passthrough', list(range(n_num)))]
    if n_text:
        steps.append(('cat', OrdinalEncoder(handle_unknown='use_encoded_value', unknown_value=np.nan, encoded_missing_value=np.nan), list(range(n_num, n_num + n_text))))
    categorical = [False] * n_num + [True] * n_text
    kind = HistGradientBoostingClassifier if task == 'classification' else HistGradientBoostingRegressor
    return Pipeline([('columns', ColumnTransformer(steps)), ('gb', kind(random_state=seed, categorical_features=categorical if n_text else None))])


def folds_of(y, task, k):
    split = StratifiedKFold(k, shuffle=True, random_state=0) if task == 'classification' else KFold(k, shuffle=True, random_state=0)
    fold = [0] * len(y)
    for f, (_, test) in enumerate(split.split(np.zeros(len(y)), y)):
        for i in test:
            fold[i] = f
    return fold


def main():
    warnings.filterwarnings('ignore', category=ConvergenceWarning)
    manifest = json.load(open(os.path.join(HERE, 'tables.json')))
    only = set(sys.argv[1:])
    golden_path = os.path.join(HERE, 'sklearn-golden.json')
    folds_path = os.path.join(HERE, 'folds.json')
    golden = json.load(open(golden_path)) if os.path.exists(golden_path) else {'sets': {}}
    folds_all = json.load(open(folds_path)) if os.path.exists(folds_path) else {}
    golden.update({
        'generatedBy': 'bench/tables/sklearn_tables.py',
        'versions': {'python': platform.python_version(), 'sklearn': sklearn.__version__, 'numpy': np.__version__},
        'protocol': __doc__.strip().split('\n\n')[1:3],
    })
    k = manifest['folds']
    for s in manifest['sets']:
        name, target, task = s['name'], s['target'], s['task']
        if only and name not in only:
            continue
        x_num, x_text, y = load(name, target)
        x = np.concatenate([x_num.astype(object), x_text], axis=1)
        fold = folds_of(y, task, k)
        folds_all[name] = fold
        yv = np.array(y) if task == 'classification' else np.array([float(v) for v in y])
        result = {'rows': len(y), 'metric': 'accuracy' if task == 'classification' else 'r2'}
        for peer, make in (('mlp', mlp), ('histgb', histgb)):
            scores, times = [], []
            for f in range(k):
                test = np.array([i for i in range(len(y)) if fold[i] == f])
                train = np.array([i for i in range(len(y)) if fold[i] != f])
                xt = x if peer == 'mlp' else np.concatenate([x_num, x_text], axis=1)
                start = time.perf_counter()
                p = make(x_num.shape[1], x_text.shape[1], task).fit(xt[train], yv[train])
                pred = p.predict(xt[test])
                times.append(time.perf_counter() - start)
                scores.append(accuracy_score(yv[test], pred) if task == 'classification' else r2_score(yv[test], pred))
            result[peer] = {'score': float(np.mean(scores)), 'perFold': [float(v) for v in scores], 'seconds': float(np.sum(times))}
            print(f'{name} {peer}: {result["metric"]} {np.mean(scores):.4f}  {np.sum(times):.1f} s', flush=True)
        golden['sets'][name] = result
        with open(folds_path, 'w') as f:
            json.dump(folds_all, f, separators=(',', ':'))
            f.write('\n')
        with open(golden_path, 'w') as f:
            json.dump(golden, f, indent=1)
            f.write('\n')


if __name__ == '__main__':
    main()
