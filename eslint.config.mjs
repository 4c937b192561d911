// Type-aware lint with the few rules that catch real bugs here (STYLE.md §10): an un-awaited promise
// loses its error, a non-exhaustive switch over a union misses a new member, == coerces.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'web/**', 'docs/**', 'coverage/**', 'test/architecture/fixture/**', '**/*.js', '**/*.cjs', '**/*.mjs'] },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // A test that needs a real service says so through test/support/needs.ts, which skips on a
    // developer's machine and fails under CI=true; a bare .skip would pass CI silently.
    files: ['test/**/*.ts', '**/*.spec.ts'],
    ignores: ['test/support/needs.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'describe', property: 'skip', message: 'Use describeNeeding(...) from test/support/needs.ts.' },
        { object: 'it', property: 'skip', message: 'Use itNeeding(...) from test/support/needs.ts.' },
        { object: 'test', property: 'skip', message: 'Use itNeeding(...) from test/support/needs.ts.' },
      ],
    },
  },
);
