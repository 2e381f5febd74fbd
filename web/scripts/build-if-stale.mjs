// `pnpm start` calls this: build the web client when there is no build, or when a source file
// (the app, its static files, the shared wire contract, the configs) is newer than the build.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const web = fileURLToPath(new URL('..', import.meta.url));
const marker = path.join(web, 'build', '200.html');
const sources = [
  'src',
  'static',
  '../shared/src',
  'svelte.config.js',
  'vite.config.ts',
  'package.json',
];

function newest(p) {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(0, ...readdirSync(p).map((e) => newest(path.join(p, e))));
}

const built = existsSync(marker) ? statSync(marker).mtimeMs : 0;
const changed = Math.max(...sources.map((s) => newest(path.join(web, s))));
if (built && changed <= built) {
  console.log('web client is up to date');
} else {
  console.log(
    built ? 'web client sources changed: building' : 'web client not built yet: building',
  );
  execFileSync(
    process.execPath,
    [path.join(web, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'],
    {
      cwd: web,
      stdio: 'inherit',
    },
  );
}
