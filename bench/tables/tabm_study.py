#!/usr/bin/python3
"""What would TabM add to the tabular preset? A PyTorch prototype on bench/tables (issue 21).

Trains, on the same 5 folds as `npm run bench:tables` (bench/tables/folds.json):
  mlp     the tabular preset's recipe in torch (src/training/presets.ts): 2 x 256 ReLU, Glorot-uniform
          kernels and zero biases, Adam (beta2 0.95, eps 1e-7) peaking at 1e-3 on a linear warm-up over
          5 % of the steps then a cosine decay to 1 % of the peak (per step), label smoothing 0.1 for
          classes (1 sigmoid unit for two classes, softmax otherwise), MSE on standardised targets
          for regression; epochs and batch size from the rows; from 500 rows 20 % held out, the
          epoch of lowest validation loss kept, stopping 16 epochs after it; under 500 rows every
          row trained on with L2 1e-4 on the kernels and, for 1-16 numeric columns, the periodic
          (PLR) embedding (16 frequencies, sigma 0.1, 16 values per column).
  tabm-k  TabM-mini (Gorishniy et al. 2024, arch_type 'tabm-mini' of yandex-research/tabm): the same
          body, its input copied k times and multiplied by a per-member vector r_i (one value per raw
          column at init: random signs, or N(0, 1) after a numeric embedding), the shared body, k
          separate output heads; every member sees the same batch; training loss = mean of the k
          members' losses; prediction = mean of the members' probabilities (values for regression).
  ens-k   (optional, --variants ens8 ...) k independent plain MLPs, probabilities averaged.

The inputs are NOT re-implemented here: a small TypeScript program (written to the cache directory
and run with the repository's tsx) calls the library's own prepareTraining / pipelineInputs on every
fold with the same inner split as bench/tables/run.ts, and dumps the matrices. So preprocessing
(imputation, one-hot, robust scaling with the smooth clip, target scaling) is backprop's own.

Run from the repository root with Debian's python3-torch (one thread):
    /usr/bin/python3 bench/tables/tabm_study.py                          # every set, mlp,tabm8,tabm32, seed 1
    /usr/bin/python3 bench/tables/tabm_study.py --sets glass,servo --seeds 1,2,3
    /usr/bin/python3 bench/tables/tabm_study.py --variants mlp,tabm8 --log out.jsonl
Each (set, variant) line is appended as JSON to --log (default /tmp/tabm-study.jsonl).
"""
import argparse
import json
import math
import os
import subprocess
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..', '..'))

# The dump: the library's preprocessing of every fold, as float32 matrices + a JSON header.
DUMP_TS = r"""
import { mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCsvTableSync } from 'ROOT/cli/csv.js';
import { pipelineInputs, prepareTraining } from 'ROOT/src/index.js';
import { trainTestSplitIndices } from 'ROOT/src/data/split.js';
import { columnWidth, numericFeatureIndices } from 'ROOT/src/data/schema.js';
import { variantSpec } from 'ROOT/bench/tables/variants.js';
const here = 'ROOT/bench/tables';
const [out, ...names] = process.argv.slice(2);
mkdirSync(out, { recursive: true });
const manifest = JSON.parse(readFileSync(join(here, 'tables.json'), 'utf8'));
const folds = JSON.parse(readFileSync(join(here, 'folds.json'), 'utf8'));
for (const s of manifest.sets.filter((s) => names.length === 0 || names.includes(s.name))) {
  const table = readCsvTableSync(join(here, 'data', `${s.name}.csv`), { target: s.target, task: s.task, source: `${s.name}.csv` });
  const spec = variantSpec('tabular', table);
  const y = table.y;
  const labels = y.kind === 'classes' ? y.codes : undefined;
  const meta = { name: s.name, task: s.task, rows: table.rows, spec, classes: y.kind === 'classes' ? y.classes?.length ?? Math.max(...y.codes) + 1 : 0, widths: table.schema.inputs.map((c) => columnWidth(c)), kinds: table.schema.inputs.map((c) => c.kind), numeric: numericFeatureIndices(table.schema), folds: [] };
  for (let f = 0; f < manifest.folds; f++) {
    const train = [], test = [];
    folds[s.name].forEach((k, r) => (k === f ? test : train).push(r));
    let split = { train, validation: [], note: undefined };
    if (spec.fit.validationSplit > 0) {
      const inner = trainTestSplitIndices(train.length, labels ? train.map((r) => labels[r]) : undefined, { testSize: spec.fit.validationSplit, seed: spec.fit.seed, stratify: labels !== undefined });
      split = { train: inner.train.map((i) => train[i]), validation: inner.test.map((i) => train[i]), note: undefined };
    }
    const p = prepareTraining(spec, table, { split });
    const parts = [split.train, split.validation, test];
    const mats = parts.map((rows) => pipelineInputs(p.preprocessing, table, rows));
    const target = (rows) => rows.map((r) => (labels ? labels[r] : y.values.data[r]));
    const cols = mats[0].cols;
    const buf = new Float32Array(mats.reduce((a, m) => a + m.rows * cols, 0));
    let at = 0;
    for (const m of mats) { buf.set(m.data.subarray(0, m.rows * cols), at); at += m.rows * cols; }
    writeFileSync(join(out, `${s.name}.${f}.f32`), Buffer.from(buf.buffer));
    meta.folds.push({ cols, counts: parts.map((r) => r.length), y: parts.map(target), targetScaler: p.preprocessing.targetScaler ?? null, inputs: p.network.model.inputUnits });
  }
  writeFileSync(join(out, `${s.name}.json`), JSON.stringify(meta));
  console.error(`dumped ${s.name}`);
}
"""


def dump(cache, names):
    """Runs the TypeScript dump for the sets whose files are not in the cache yet."""
    missing = [n for n in names if not os.path.exists(os.path.join(cache, n + '.json'))]
    if not missing:
        return
    os.makedirs(cache, exist_ok=True)
    script = os.path.join(cache, 'dump.ts')
    with open(script, 'w') as f:
        f.write(DUMP_TS.replace('ROOT', ROOT))
    subprocess.run([os.path.join(ROOT, 'node_modules', '.bin', 'tsx'), script, cache, *missing], cwd=ROOT, check=True)


def load(cache, name):
    meta = json.load(open(os.path.join(cache, name + '.json')))
    folds = []
    for f, fm in enumerate(meta['folds']):
        flat = np.fromfile(os.path.join(cache, f'{name}.{f}.f32'), dtype=np.float32)
        cols, parts, at = fm['cols'], [], 0
        for n, y in zip(fm['counts'], fm['y']):
            parts.append((torch.from_numpy(flat[at:at + n * cols].reshape(n, cols).copy()), np.array(y)))
            at += n * cols
        folds.append({'parts': parts, 'targetScaler': fm['targetScaler']})
    return meta, folds


def glorot_(w, fan_in, fan_out):
    bound = math.sqrt(6.0 / (fan_in + fan_out))
    with torch.no_grad():
        w.uniform_(-bound, bound)
    return w


class Periodic(nn.Module):
    """The library's PeriodicEmbedding: ReLU([cos 2πf x, sin 2πf x] W_j + b_j) per embedded input; the others passed after."""

    def __init__(self, d_in, numeric, frequencies, units, sigma, g):
        super().__init__()
        self.numeric = torch.tensor(numeric, dtype=torch.long)
        self.passed = torch.tensor([i for i in range(d_in) if i not in set(numeric)], dtype=torch.long)
        e, k2 = len(numeric), 2 * frequencies
        f = torch.randn(e, frequencies, generator=g)
        while (f.abs() > 3).any():
            f = torch.where(f.abs() > 3, torch.randn(e, frequencies, generator=g), f)
        self.f = nn.Parameter(f * sigma)
        b = 1 / math.sqrt(k2)
        self.w = nn.Parameter((torch.rand(e, k2, units, generator=g) * 2 - 1) * b)
        self.b = nn.Parameter((torch.rand(e, units, generator=g) * 2 - 1) * b)
        self.d_out = e * units + len(self.passed)

    def forward(self, x):
        v = 2 * math.pi * self.f[None] * x[:, self.numeric, None]  # (B, e, k)
        z = torch.relu(torch.einsum('bep,epd->bed', torch.cat([torch.cos(v), torch.sin(v)], -1), self.w) + self.b)
        return torch.cat([z.flatten(1), x[:, self.passed]], 1)


class Net(nn.Module):
    """The preset's MLP (k = None) or TabM-mini with k members."""

    def __init__(self, d_in, n_out, meta, k, g, hidden=(256, 256)):
        super().__init__()
        emb = meta['spec']['architecture'].get('embedding')
        self.emb = Periodic(d_in, meta['numeric'], emb['frequencies'], emb['units'], emb['sigma'], g) if emb and meta['numeric'] else None
        d = self.emb.d_out if self.emb else d_in
        self.k = k
        if k:
            # One adapter value per raw column at init (tabm's _init_first_adapter "sections"):
            # a numeric column (or its embedding block), a categorical column's one-hot block.
            if self.emb:
                sections = [emb['units']] * len(meta['numeric']) + [w for w, kind in zip(meta['widths'], meta['kinds']) if kind != 'numeric']
                draw = lambda: torch.randn(k, 1, generator=g)
            else:
                sections = meta['widths']
                draw = lambda: torch.randint(0, 2, (k, 1), generator=g).float() * 2 - 1
            extra = d - sum(sections)  # missing-value indicator inputs, if any: one section each
            sections = sections + [1] * extra
            self.r = nn.Parameter(torch.cat([draw().expand(k, s) for s in sections], 1).clone())
        self.body = nn.ModuleList()
        for h in hidden:
            lin = nn.Linear(d, h)
            glorot_(lin.weight, d, h)
            nn.init.zeros_(lin.bias)
            self.body.append(lin)
            d = h
        n = k or 1
        self.head_w = nn.Parameter(torch.empty(n, d, n_out))
        for i in range(n):
            glorot_(self.head_w.data[i], d, n_out)
        self.head_b = nn.Parameter(torch.zeros(n, n_out))

    def kernels(self):
        return [lin.weight for lin in self.body]

    def forward(self, x):
        """(B, d_in) -> (B, n, out), n = k members (1 for the plain MLP)."""
        if self.emb:
            x = self.emb(x)
        x = x[:, None, :] * self.r[None] if self.k else x[:, None, :]
        for lin in self.body:
            x = torch.relu(lin(x))
        return torch.einsum('bnd,ndo->bno', x, self.head_w) + self.head_b


def member_probs(out, task):
    """Per-member predictions: probabilities (binary: of class 1) or values."""
    if task == 'binary':
        return torch.sigmoid(out[..., 0])
    if task == 'multiclass':
        return torch.softmax(out, -1)
    return out[..., 0]


def train_loss(out, y, task, ls):
    """Mean over members and rows of each member's own loss (tabm's loss_fn), label smoothing as Keras does it."""
    n = out.shape[1]
    if task == 'binary':
        t = y.float()[:, None].expand(-1, n) * (1 - ls) + 0.5 * ls
        return F.binary_cross_entropy_with_logits(out[..., 0], t)
    if task == 'multiclass':
        return F.cross_entropy(out.flatten(0, 1), y.repeat_interleave(n), label_smoothing=ls)
    return F.mse_loss(out[..., 0], y.float()[:, None].expand(-1, n))


def ensemble_loss(p, y, task, ls):
    """Validation loss of the averaged prediction (what keepBest watches)."""
    eps = 1e-7
    if task == 'binary':
        t = y.float() * (1 - ls) + 0.5 * ls
        p = p.clamp(eps, 1 - eps)
        return float(-(t * p.log() + (1 - t) * (1 - p).log()).mean())
    if task == 'multiclass':
        c = p.shape[1]
        t = F.one_hot(y, c).float() * (1 - ls) + ls / c
        return float(-(t * p.clamp_min(eps).log()).sum(1).mean())
    return float(((p - y.float()) ** 2).mean())


def predict(models, x, task):
    with torch.no_grad():
        ps = [member_probs(m(x), task).mean(1) for m in models]
    return sum(ps) / len(ps)


def fit_one(meta, fold, task, k, seed, members=1):
    """Trains on one fold (members > 1: that many independent plain MLPs) and scores the test rows."""
    spec = meta['spec']
    fit, arch, comp = spec['fit'], spec['architecture'], spec['compile']
    (xtr, ytr), (xva, yva), (xte, yte) = fold['parts']
    ts = fold['targetScaler']
    if task == 'regression':
        off, sc = ts['offset'][0], ts['scale'][0]
        ytr_t, yva_t = torch.tensor((ytr - off) / sc), torch.tensor((yva - off) / sc)
    else:
        ytr_t, yva_t = torch.tensor(ytr, dtype=torch.long), torch.tensor(yva, dtype=torch.long)
    n_out = 1 if task != 'multiclass' else meta['classes']
    ls = comp.get('labelSmoothing', 0) or 0
    l2 = arch.get('l2', 0) or 0
    epochs, bs = fit['epochs'], min(fit['batchSize'], len(ytr))
    per_epoch = math.ceil(len(ytr) / bs)
    total = epochs * per_epoch
    warm = round(0.05 * total)
    decay = max(1, total - warm)
    peak = comp.get('learningRate', 1e-3)

    def lr_at(step):
        if step < warm:
            return peak * (step + 1) / warm
        u = min(step - warm, decay) / decay
        return peak * (0.99 * 0.5 * (1 + math.cos(math.pi * u)) + 0.01)

    models, notes = [], []
    for m_i in range(members):
        g = torch.Generator().manual_seed(seed * 1000 + m_i)
        torch.manual_seed(seed * 1000 + m_i)
        model = Net(xtr.shape[1], n_out, meta, k, g)
        opt = torch.optim.Adam(model.parameters(), lr=peak, betas=(0.9, comp.get('beta2', 0.999)), eps=1e-7)
        holdout = fit.get('validationSplit', 0) > 0 and len(yva) > 0
        patience = fit.get('earlyStopping')
        best, best_state, best_epoch, step = math.inf, None, -1, 0
        for epoch in range(epochs):
            model.train()
            for idx in torch.randperm(len(ytr), generator=g).split(bs):
                for group in opt.param_groups:
                    group['lr'] = lr_at(step)
                loss = train_loss(model(xtr[idx]), ytr_t[idx], task, ls)
                if l2:
                    # Keras' l2 on every Dense kernel; the k heads' penalty is averaged, so each member sees the plain MLP's.
                    loss = loss + l2 * (sum((w ** 2).sum() for w in model.kernels()) + (model.head_w ** 2).sum() / model.head_w.shape[0])
                opt.zero_grad()
                loss.backward()
                opt.step()
                step += 1
            if holdout:
                model.eval()
                v = ensemble_loss(predict([model], xva, task), yva_t, task, ls)
                if v < best:
                    best, best_epoch = v, epoch
                    best_state = {n: t.detach().clone() for n, t in model.state_dict().items()}
                elif patience is not None and epoch - best_epoch >= patience:
                    break
        if best_state is not None:
            model.load_state_dict(best_state)
        notes.append(f'best {best_epoch + 1}/{epoch + 1}' if holdout else f'{epoch + 1}')
        model.eval()
        models.append(model)
    p = predict(models, xte, task)
    if task == 'binary':
        return float(((p > 0.5).long().numpy() == yte).mean()), notes
    if task == 'multiclass':
        return float((p.argmax(1).numpy() == yte).mean()), notes
    pred = p.numpy() * sc + off
    return float(1 - ((pred - yte) ** 2).sum() / ((yte - yte.mean()) ** 2).sum()), notes


def median(a):
    a = sorted(a)
    m = len(a) // 2
    return a[m] if len(a) % 2 else (a[m - 1] + a[m]) / 2


def report(logs, manifest, golden, extra=None):
    """Markdown tables from the JSON lines of one or more logs (the last line of a set and variant wins)."""
    rows = {}
    for path in logs:
        for line in open(path):
            r = json.loads(line)
            rows[(r['set'], r['variant'])] = r
    bp = {r['set']: r for r in json.load(open(os.path.join(ROOT, 'bench', 'results', 'tables.json')))['rows'] if r['variant'] == 'tabular'}
    extra = extra or {}
    variants = [v for v in VARIANTS if any(k[1] == v for k in rows)]
    head = ['set', 'rows', 'metric', 'seeds', *[c for v in variants for c in (v, 's')], 'backprop tabular', *(['backprop 3 seeds'] if extra else []), 'sklearn MLP', 's', 'HistGB']
    out = ['| ' + ' | '.join(head) + ' |', '|' + '---|' * len(head)]
    gaps = {v: {'mlp': [], 'gb': [], 'time': [], 'torch': [], 'bp': [], 'torchTime': []} for v in variants}
    for s in manifest['sets']:
        name = s['name']
        if not any((name, v) in rows for v in variants):
            continue
        g = golden[name]
        base = rows.get((name, 'mlp'))
        cells = [name, str(g['rows']), g['metric'], ','.join(map(str, next(rows[(name, v)] for v in variants if (name, v) in rows)['seeds']))]
        for v in variants:
            r = rows.get((name, v))
            if r is None:
                cells += ['', '']
                continue
            cells += [f"{r['score']:.3f}", f"{r['seconds']:.1f}"]
            gaps[v]['mlp'].append(r['score'] - g['mlp']['score'])
            gaps[v]['gb'].append(r['score'] - g['histgb']['score'])
            gaps[v]['time'].append(r['seconds'] / g['mlp']['seconds'])
            gaps[v]['bp'].append(r['score'] - extra.get(name, bp[name]['score']))
            if base is not None:
                gaps[v]['torch'].append(r['score'] - base['score'])
                gaps[v]['torchTime'].append(r['seconds'] / base['seconds'])
        cells.append(f"{bp[name]['score']:.3f}")
        if extra:
            cells.append(f"{extra[name]:.3f}" if name in extra else '')
        cells += [f"{g['mlp']['score']:.3f}", f"{g['mlp']['seconds']:.1f}", f"{g['histgb']['score']:.3f}"]
        out.append('| ' + ' | '.join(cells) + ' |')
    out.append('')
    sign = lambda x: f'{x:+.3f}'
    for v in variants:
        d = gaps[v]
        n = len(d['mlp'])
        within = sum(x >= -0.005 for x in d['mlp'])
        line = (f"- **{v}** ({n} sets): median gap to sklearn MLP {sign(median(d['mlp']))}, to HistGB {sign(median(d['gb']))}, "
                f"to backprop's tabular {sign(median(d['bp']))}; at least sklearn MLP (within 0.005) on {within} of {n}; "
                f"time {median(d['time']):.2f}x sklearn MLP at the median (max {max(d['time']):.2f}x)")
        if v != 'mlp' and d['torch']:
            wins = sum(x > 0.005 for x in d['torch'])
            losses = sum(x < -0.005 for x in d['torch'])
            line += (f"; against the torch mlp: median {sign(median(d['torch']))}, mean {sign(sum(d['torch']) / len(d['torch']))}, "
                     f"better by > 0.005 on {wins}, worse by > 0.005 on {losses}; "
                     f"time {median(d['torchTime']):.1f}x the torch mlp at the median (max {max(d['torchTime']):.1f}x)")
        out.append(line)
    return '\n'.join(out)


VARIANTS = {'mlp': (None, 1), 'tabm8': (8, 1), 'tabm32': (32, 1), 'ens8': (None, 8), 'ens32': (None, 32)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--sets', help='comma-separated set names (default: all of bench/tables/tables.json)')
    ap.add_argument('--variants', default='mlp,tabm8,tabm32', help='of ' + ','.join(VARIANTS))
    ap.add_argument('--seeds', default='1', help='training seeds; the score is the mean over seeds and folds')
    ap.add_argument('--max-epochs', type=int, help='cap the preset epochs (for a quick look at the large sets)')
    ap.add_argument('--cache', default='/tmp/tabm-study-cache', help='where the dumped folds go')
    ap.add_argument('--log', default='/tmp/tabm-study.jsonl')
    ap.add_argument('--report', nargs='+', metavar='LOG', help='print the markdown table of these logs instead of training')
    ap.add_argument('--backprop-seeds', metavar='LOG', help="with --report: a `npm run bench:tables -- --log` file of backprop's tabular over seeds 1,2,3; its own column, and the reference where present")
    a = ap.parse_args()
    manifest = json.load(open(os.path.join(HERE, 'tables.json')))
    golden = json.load(open(os.path.join(HERE, 'sklearn-golden.json')))['sets']
    if a.report:
        extra = {r['set']: r['score'] for r in map(json.loads, open(a.backprop_seeds))} if a.backprop_seeds else None
        print(report(a.report, manifest, golden, extra))
        return
    names = a.sets.split(',') if a.sets else [s['name'] for s in manifest['sets']]
    dump(a.cache, names)
    seeds = [int(s) for s in a.seeds.split(',')]
    for name in names:
        meta, folds = load(a.cache, name)
        if a.max_epochs:
            meta['spec']['fit']['epochs'] = min(meta['spec']['fit']['epochs'], a.max_epochs)
        task = 'regression' if meta['task'] == 'regression' else ('binary' if meta['classes'] == 2 else 'multiclass')
        for v in a.variants.split(','):
            k, members = VARIANTS[v]
            per_fold, notes = [0.0] * len(folds), []
            start = time.perf_counter()
            for seed in seeds:
                for f, fold in enumerate(folds):
                    s, n = fit_one(meta, fold, task, k, seed, members)
                    per_fold[f] += s / len(seeds)
                    notes += n
            seconds = (time.perf_counter() - start) / len(seeds)
            score = sum(per_fold) / len(per_fold)
            g = golden[name]
            row = {'set': name, 'variant': v, 'score': score, 'perFold': per_fold, 'seconds': seconds, 'seeds': seeds,
                   'epochs': meta['spec']['fit']['epochs'], 'notes': notes, 'mlp': g['mlp']['score'], 'mlpSeconds': g['mlp']['seconds'],
                   'histgb': g['histgb']['score'], 'load': os.getloadavg()}
            with open(a.log, 'a') as out:
                out.write(json.dumps(row) + '\n')
            print(f'{name:14} {v:7} {score:.4f} {seconds:7.1f} s  sklearn mlp {g["mlp"]["score"]:.4f} {g["mlp"]["seconds"]:.1f} s  histgb {g["histgb"]["score"]:.4f}  {" ".join(notes[:5])}', flush=True)


if __name__ == '__main__':
    main()
