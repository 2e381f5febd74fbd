import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** A static SPA: every server node serves `build/` and answers unknown paths with `200.html`. */
export default {
  preprocess: vitePreprocess(),
  kit: {
    // BERTH_WEB_OUT lets the e2e runs build into their own folder.
    adapter: adapter({
      pages: process.env.BERTH_WEB_OUT ?? 'build',
      assets: process.env.BERTH_WEB_OUT ?? 'build',
      fallback: '200.html',
      strict: false,
    }),
    alias: { $lib: 'src/lib' },
    typescript: {
      // The end-to-end tests and test configs are typed and linted with the app.
      config: (tsconfig) => {
        tsconfig.include.push('../e2e/**/*.ts', '../vitest.config.ts', '../vitest.e2e.config.ts');
        return tsconfig;
      },
    },
  },
};
