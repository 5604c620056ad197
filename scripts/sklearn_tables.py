#!/usr/bin/python3
"""Reference scores from scikit-learn for test/data/realTables.test.ts.

Real tables with missing values, text categories and dates, each split once into training and
test rows (train_test_split, test_size=0.2, stratified for classes, random_state=0; the test rows
are written out so the TypeScript side uses exactly the same split), and scored with the
pipeline a scikit-learn user would write:

    ColumnTransformer([
        numbers and date features: SimpleImputer(strategy='median') -> StandardScaler(),
        text categories:           SimpleImputer(strategy='most_frequent') -> OneHotEncoder(handle_unknown='ignore'),
    ]) -> MLPClassifier / MLPRegressor(random_state=seed)   # early_stopping=True for diabetes

Missing cells are the spellings backprop reads as missing (blank, NA, N/A, ?, NaN, null, None).
A date column becomes the same features backprop makes (year; sin/cos of month, day of year and
weekday), since scikit-learn has no date encoder. Scores are means over the model seeds.

Run with Debian's python3-sklearn:  /usr/bin/python3 scripts/sklearn_tables.py
writes test/golden/sklearn-tables.json. No test runs Python; the JSON is checked in.
"""
import csv
import datetime
import json
import math
import os
import platform
import warnings

import numpy as np
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import ConvergenceWarning
from sklearn.impute import SimpleImputer
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MISSING = {'', 'na', 'n/a', '?', 'nan', 'null', 'none'}
SEEDS = [0, 1, 2]
SETS = [
    # name, file, target, task, columns left out (backprop leaves out none of these sets' columns)
    ('penguins', 'test/data/fixtures/penguins.csv', 'species', 'classification'),
    ('seattle-weather', 'test/data/fixtures/seattle-weather.csv', 'weather', 'classification'),
    ('diabetes', 'data/diabetes-progression.csv', 'progression', 'regression'),
]


def is_number(s):
    try:
        return math.isfinite(float(s))
    except ValueError:
        return False


def date_features(s):
    d = datetime.date.fromisoformat(s)
    year_start = datetime.date(d.year, 1, 1)
    days = 366 if (d.year % 4 == 0 and d.year % 100 != 0) or d.year % 400 == 0 else 365
    turn = 2 * math.pi
    month = (d.month - 1) / 12
    yday = (d - year_start).days / days
    weekday = ((d.weekday() + 1) % 7) / 7  # Sunday 0, as JavaScript's getUTCDay
    return [d.year, math.sin(turn * month), math.cos(turn * month), math.sin(turn * yday), math.cos(turn * yday), math.sin(turn * weekday), math.cos(turn * weekday)]


def load(path, target):
    with open(os.path.join(ROOT, path), newline='') as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    t = header.index(target)
    body = [r for r in body if r[t].strip().lower() not in MISSING]
    numeric, text, dates = [], [], []
    for j, name in enumerate(header):
        if j == t:
            continue
        present = [r[j].strip() for r in body if r[j].strip().lower() not in MISSING]
        if all(len(v) == 10 and v[4] == '-' and v[7] == '-' for v in present):
            dates.append(j)
        elif all(is_number(v) for v in present):
            numeric.append(j)
        else:
            text.append(j)
    x_num = []
    for r in body:
        row = []
        for j in numeric:
            v = r[j].strip()
            row.append(float(v) if v.lower() not in MISSING else np.nan)
        for j in dates:
            row.extend(date_features(r[j].strip()))
        x_num.append(row)
    x_text = [[r[j].strip() if r[j].strip().lower() not in MISSING else np.nan for j in text] for r in body]
    x = np.concatenate([np.array(x_num, dtype=object), np.array(x_text, dtype=object).reshape(len(body), len(text))], axis=1)
    n_num = len(numeric) + 7 * len(dates)
    y = [r[t].strip() for r in body]
    return x, y, n_num, len(text)


def pipeline(n_num, n_text, model):
    steps = [('num', Pipeline([('impute', SimpleImputer(strategy='median')), ('scale', StandardScaler())]), list(range(n_num)))]
    if n_text:
        steps.append(('cat', Pipeline([('impute', SimpleImputer(strategy='most_frequent')), ('onehot', OneHotEncoder(handle_unknown='ignore'))]), list(range(n_num, n_num + n_text))))
    return Pipeline([('columns', ColumnTransformer(steps)), ('mlp', model)])


def main():
    warnings.filterwarnings('ignore', category=ConvergenceWarning)
    out = {
        'generatedBy': 'scripts/sklearn_tables.py',
        'versions': {'python': platform.python_version(), 'sklearn': sklearn.__version__, 'numpy': np.__version__},
        'protocol': {
            'split': 'train_test_split(test_size=0.2, stratify=y for classes, random_state=0) over the rows with a target',
            'pipeline': 'SimpleImputer(median)+StandardScaler on numbers and date features, SimpleImputer(most_frequent)+OneHotEncoder(handle_unknown=ignore) on text',
            'model': 'MLPClassifier(random_state=seed, max_iter=500) / MLPRegressor(early_stopping=True, max_iter=2000, random_state=seed); other settings default',
            'seeds': SEEDS,
        },
        'sets': {},
    }
    for name, path, target, task in SETS:
        x, y, n_num, n_text = load(path, target)
        idx = np.arange(len(y))
        if task == 'classification':
            train, test = train_test_split(idx, test_size=0.2, stratify=y, random_state=0)
        else:
            train, test = train_test_split(idx, test_size=0.2, random_state=0)
        yv = np.array(y) if task == 'classification' else np.array([float(v) for v in y])
        scores = []
        for seed in SEEDS:
            model = MLPClassifier(random_state=seed, max_iter=500) if task == 'classification' else MLPRegressor(early_stopping=True, max_iter=2000, random_state=seed)
            p = pipeline(n_num, n_text, model).fit(x[train], yv[train])
            pred = p.predict(x[test])
            scores.append(accuracy_score(yv[test], pred) if task == 'classification' else r2_score(yv[test], pred))
        metric = 'accuracy' if task == 'classification' else 'r2'
        out['sets'][name] = {'file': path, 'target': target, 'rows': len(y), 'metric': metric, 'score': float(np.mean(scores)), 'perSeed': [float(s) for s in scores], 'testRows': sorted(int(i) for i in test)}
        print(f'{name}: {metric} {np.mean(scores):.4f} ({", ".join(f"{s:.4f}" for s in scores)})')
    with open(os.path.join(ROOT, 'test', 'golden', 'sklearn-tables.json'), 'w') as f:
        json.dump(out, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
