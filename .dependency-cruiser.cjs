// Architecture rules, run by `npm run lint` (npx depcruise apps libs test bench). They match resolved
// files, so `@rescue/x/...` aliases, relative paths, require() and import() are judged alike.
// test/architecture/fixture breaks each rule once; test/architecture/rules.spec.ts expects exactly those.
//
// A lib's public entries: src/index.ts, and src/testing/index.ts (`@rescue/x/testing`) for specs,
// tests and benches only.

/** Frameworks, drivers and brokers: apps wire them; libs think without them. */
const FRAMEWORKS = '(^|/)node_modules/(@nestjs/[^/]+|typeorm|typeorm-pglite|pg|pg-[a-z-]+|@electric-sql/pglite|mqtt|mqtt-packet|aedes|aedes-[a-z-]+)(/|$)';
/** libs/persistence holds the SQL: it alone may load the database drivers. */
const DATABASE = '(^|/)node_modules/(typeorm|typeorm-pglite|pg|pg-[a-z-]+|@electric-sql/pglite)(/|$)';
const PUBLIC_ENTRY = '^libs/[^/]+/src/(index|testing/index)\\.ts$';
const TEST_CODE = '(\\.spec\\.ts$|^libs/[^/]+/src/(testing|fuzz)/)';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'lib-imports-framework',
      comment: 'Domain libs are plain TypeScript, tested without Nest or services: no Nest, TypeORM, pg, PGlite, mqtt or aedes.',
      severity: 'error',
      from: { path: '^libs/(?!persistence/)[^/]+/' },
      to: { path: FRAMEWORKS },
    },
    {
      name: 'persistence-imports-transport',
      comment: 'libs/persistence may load TypeORM, pg and PGlite, but no Nest, mqtt or aedes.',
      severity: 'error',
      from: { path: '^libs/persistence/' },
      to: { path: FRAMEWORKS, pathNot: DATABASE },
    },
    {
      name: 'lib-imports-app',
      comment: 'Libs never import apps: apps depend on libs, not the other way round.',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'deep-import-into-lib',
      comment: "A lib reaches another lib only through its index (`@rescue/x`), never `@rescue/x/src/...` or a relative path into it.",
      severity: 'error',
      from: { path: '^libs/([^/]+)/' },
      to: { path: '^libs/[^/]+/', pathNot: ['^libs/$1/', PUBLIC_ENTRY] },
    },
    {
      name: 'deep-import-from-outside',
      comment: 'Apps, tests and benches reach a lib only through its index (`@rescue/x`) or its testing entry (`@rescue/x/testing`).',
      severity: 'error',
      from: { path: '^(apps|test|bench)/' },
      to: { path: '^libs/', pathNot: PUBLIC_ENTRY },
    },
    {
      name: 'testing-entry-in-production',
      comment: 'Test aids (`@rescue/x/testing`, fuzzers, samples) stay out of production code.',
      severity: 'error',
      from: { path: '^(apps|libs)/', pathNot: TEST_CODE },
      to: { path: '^libs/[^/]+/src/(testing|fuzz)/' },
    },
    {
      name: 'no-circular',
      comment: 'A runtime import cycle makes load order matter and the layering unreadable (type-only imports vanish when compiled, so they may close a loop).',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that resolves to nothing (a typo, a missing dependency, `@rescue/x/src/...` past the path aliases).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|web|docs|coverage|test/architecture/fixture)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
