// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/.data/**',
      '**/dist/**',
      '**/build/**',
      '**/.svelte-kit/**',
      'eslint.config.js',
      '**/svelte.config.js',
      // Plain Node scripts outside any tsconfig (pnpm start's build check).
      'web/scripts/**',
      // The no-op stand-in for Artillery's telemetry client: plain CommonJS, no tsconfig.
      'loadtest/vendor/**',
      'loadtest/reports/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
    },
  },
  // Svelte components: eslint-plugin-svelte's recommended set, with svelte-eslint-parser for the
  // markup and typescript-eslint's parser for <script lang="ts">. Scoped to `.svelte`: the
  // `.svelte.ts` rune modules stay plain TypeScript, linted (type-aware) as above.
  ...svelte.configs['flat/recommended'].map((config) => ({ ...config, files: ['**/*.svelte'] })),
  {
    files: ['**/*.svelte'],
    languageOptions: {
      globals: globals.browser,
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] },
    },
    rules: {
      // No paths.base, and most hrefs (with queries) come from $lib helpers: resolve() is a no-op.
      'svelte/no-navigation-without-resolve': 'off',
    },
  },
  {
    // No type-aware rules in components: the linter types each imported component as Svelte's
    // ambient `*.svelte` module (props `any`), so no-unsafe-* would flag every typed callback
    // passed to a child; typed, the 58 components would also make `eslint .` ~1.5 times as slow.
    files: ['**/*.svelte'],
    ...tseslint.configs.disableTypeChecked,
  },
  // The layers' boundaries (see docs/architecture.md): the web shares only `shared/` with the
  // server; the domain (modules/) knows no transport; HTTP routes never reach into the sockets.
  // server/test/boundaries.test.ts checks that each rule refuses what it should.
  {
    files: ['web/**/*.ts', 'web/**/*.svelte'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^@berth/server(/|$)|(^|/)server/src/',
              message: 'The web never imports the server: put what both need in shared/.',
            },
          ],
        },
      ],
    },
  },
  {
    // Every call goes through the typed client (web/src/lib/api/http.ts), which builds its URL
    // from the route table: a path written out in the web would escape the contract.
    files: ['web/src/**/*.ts', 'web/src/**/*.svelte'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            'Literal[value=/^\\/api(\\/|$|\\?)/], TemplateElement[value.raw=/^\\/api(\\/|$|\\?)/]',
          message:
            "Call the API with callApi() or session.api() and the route's name from shared/.",
        },
      ],
    },
  },
  {
    files: ['server/src/modules/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)(realtime|http)/',
              message:
                'modules/ is the domain: it never imports realtime/ or http/. Take what it needs as a parameter.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['server/src/http/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)realtime/',
              message:
                'http/ never imports realtime/: describe what a route needs in routes/api-deps.ts.',
            },
          ],
        },
      ],
    },
  },
  {
    // Tests read rows straight from pg (typed `any` by the driver) to check the database itself.
    files: ['**/test/**/*.ts', '**/*.spec.ts', '**/bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
