// A user's CommonJS file: the package through require(), exercised by checks.cjs.
const backprop = require('backprop-mlp');
const { exercise } = require('./checks.cjs');

exercise(backprop, 'cjs')
  .then((result) => console.log(JSON.stringify(result)))
  .catch((e) => { console.error(e); process.exit(1); });
