// `npm run build` makes dist/ so that `import { ... } from 'backprop'` works, with types, from
// another folder (as a user's project that installed the package).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..');

test('the built package imports by name and type-checks in a consumer project', () => {
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'pipe' });
  const dir = mkdtempSync(join(tmpdir(), 'backprop-consumer-'));
  try {
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(root, join(dir, 'node_modules', 'backprop'), 'dir');
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }');
    const program = `import { sequential, layers, optimizers, datasets, type Sequential } from 'backprop';
const model: Sequential = sequential([layers.dense({ units: 4, inputShape: [2], activation: 'tanh' }), layers.dense({ units: 1, activation: 'sigmoid' })], { seed: 1 });
model.compile({ optimizer: optimizers.sgd({ learningRate: 0.5 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
const d = datasets.moons({ n: 200, seed: 1 });
await model.fit(d.x, d.y, { epochs: 30, verbose: 0 });
const acc: number = model.evaluate(d.x, d.y).accuracy!;
console.log(JSON.stringify({ acc, params: model.countParams() }));
`;
    writeFileSync(join(dir, 'main.ts'), program);
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, outDir: 'out', skipLibCheck: false, types: [] }, files: ['main.ts'] }));
    execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], { cwd: dir, stdio: 'pipe' });
    const out = JSON.parse(execFileSync(process.execPath, [join(dir, 'out', 'main.js')], { cwd: dir, encoding: 'utf8' })) as { acc: number; params: number };
    assert.equal(out.params, 4 * 2 + 4 + 4 + 1);
    assert.ok(out.acc > 0.8, `accuracy ${out.acc}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
