// Lint is deliberately small: type errors are tsc's job; these rules guard the project's principles.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'playground/dist/**', 'src/kernels/wasm/assembly/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // Principle 9: every random choice in the library draws from a seeded Rng.
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'Use the seeded Rng from src/core/rng.ts.' }],
      'no-restricted-globals': ['error', { name: 'eval', message: 'Nothing in the library evaluates code.' }],
      'no-new-func': 'error',
    },
  },
);
