// The shipped WebAssembly kernels are exactly what `npm run build` makes from the checked-in
// AssemblyScript source, and the base64 the library loads is exactly the checked-in .wasm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { relaxedSharedWasm, relaxedWasm, simdSharedWasm, simdWasm } from '../../src/kernels/wasm/binary.js';

const dir = join(import.meta.dirname, '..', '..', 'src', 'kernels', 'wasm');
const compiler = join(import.meta.dirname, '..', '..', 'node_modules', 'assemblyscript', 'bin', 'asc.js');

const BUILDS = [['simd', simdWasm], ['relaxed', relaxedWasm], ['simd-shared', simdSharedWasm], ['relaxed-shared', relaxedSharedWasm]] as const;

test('the embedded modules are the checked-in .wasm files, and the plain-SIMD ones validate', () => {
  for (const [name, b64] of BUILDS) {
    const file = readFileSync(join(dir, `kernels-${name}.wasm`));
    assert.ok(Buffer.from(b64, 'base64').equals(file), `binary.ts ${name} differs from kernels-${name}.wasm: run npm run build`);
  }
  assert.ok(WebAssembly.validate(Buffer.from(simdWasm, 'base64')), 'plain SIMD validates in Node 20+');
  assert.ok(WebAssembly.validate(Buffer.from(simdSharedWasm, 'base64')), 'plain SIMD on shared memory validates in Node 20+');
  // The shared builds import a shared memory with wasm32's maximum (the kernel threads need it).
  const imports = WebAssembly.Module.imports(new WebAssembly.Module(Buffer.from(simdSharedWasm, 'base64')));
  assert.deepEqual(imports, [{ module: 'env', name: 'memory', kind: 'memory' }]);
  new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(simdSharedWasm, 'base64')), { env: { memory: new WebAssembly.Memory({ initial: 2, maximum: 65536, shared: true }), abort: () => undefined } });
});

test('rebuilding from the AssemblyScript source gives identical bytes', { skip: existsSync(compiler) ? false : 'AssemblyScript (a devDependency) is not installed' }, () => {
  const out = mkdtempSync(join(tmpdir(), 'backprop-wasm-'));
  try {
    execFileSync(process.execPath, [join(import.meta.dirname, '..', '..', 'scripts', 'build-wasm.mjs'), out], { stdio: 'pipe' });
    for (const [name] of BUILDS) {
      const rebuilt = readFileSync(join(out, `kernels-${name}.wasm`));
      assert.ok(rebuilt.equals(readFileSync(join(dir, `kernels-${name}.wasm`))), `kernels-${name}.wasm is not what the source builds to: run npm run build`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
