#!/usr/bin/python3
"""scikit-learn's scores with several random states on the same folds (bench/tables/folds.json).

One seed moves a small table's 5-fold score by 0.01-0.02 (208 rows: one row is 0.0048), so a
single-seed gap there says little. This scores the peers of sklearn_tables.py (same pipelines)
with random_state 0, 1, 2 and writes bench/tables/sklearn-seeds.json, to set beside backprop's
mean over three training seeds (`npm run bench:tables -- --sets ... --seeds 1,2,3`); the result
is in bench/results/tables.experiments.md.

    /usr/bin/python3 bench/tables/sklearn_seeds.py sonar glass servo ozone
"""
import os
os.environ.setdefault('OMP_NUM_THREADS', '1')
import json
import sys
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, r2_score

from sklearn_tables import HERE, histgb, load, mlp

SEEDS = (0, 1, 2)


def main():
    warnings.filterwarnings('ignore', category=ConvergenceWarning)
    manifest = json.load(open(os.path.join(HERE, 'tables.json')))
    folds = json.load(open(os.path.join(HERE, 'folds.json')))
    path = os.path.join(HERE, 'sklearn-seeds.json')
    out = json.load(open(path)) if os.path.exists(path) else {'seeds': list(SEEDS), 'sets': {}}
    for s in manifest['sets']:
        name, target, task = s['name'], s['target'], s['task']
        if name not in sys.argv[1:]:
            continue
        x_num, x_text, y = load(name, target)
        x = np.concatenate([x_num.astype(object), x_text], axis=1)
        fold = folds[name]
        yv = np.array(y) if task == 'classification' else np.array([float(v) for v in y])
        result = {}
        for peer, make in (('mlp', mlp), ('histgb', histgb)):
            per_seed = []
            for seed in SEEDS:
                scores = []
                for f in range(manifest['folds']):
                    test = np.array([i for i in range(len(y)) if fold[i] == f])
                    train = np.array([i for i in range(len(y)) if fold[i] != f])
                    p = make(x_num.shape[1], x_text.shape[1], task, seed).fit(x[train], yv[train])
                    pred = p.predict(x[test])
                    scores.append(accuracy_score(yv[test], pred) if task == 'classification' else r2_score(yv[test], pred))
                per_seed.append(float(np.mean(scores)))
            result[peer] = {'perSeed': per_seed, 'score': float(np.mean(per_seed))}
            print(f'{name} {peer}: {" ".join(f"{v:.4f}" for v in per_seed)}  mean {np.mean(per_seed):.4f}', flush=True)
        out['sets'][name] = result
        with open(path, 'w') as f:
            json.dump(out, f, indent=1)
            f.write('\n')


if __name__ == '__main__':
    main()
