import neostandard from 'neostandard'

// One style for src/, test/ and bench/: standard's rules (via typescript-eslint and @stylistic),
// applied by `npm run lint` and fixed in place by `npm run format`.
export default [
  ...neostandard({ ts: true, ignores: ['dist/**', 'coverage/**', 'data/**', 'node_modules/**'] }),
  {
    rules: {
      // Baileys' types and libsignal's untyped APIs need a cast or two; keep them visible, not forbidden.
      '@typescript-eslint/no-explicit-any': 'off'
    }
  }
]
