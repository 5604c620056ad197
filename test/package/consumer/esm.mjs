// A user's ES module: the package through import, exercised by checks.cjs (the same checks as cjs.cjs).
import * as backprop from 'backprop-mlp';
import checks from './checks.cjs';

console.log(JSON.stringify(await checks.exercise(backprop, 'esm')));
