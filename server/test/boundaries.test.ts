import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The layers' boundaries, and the web's use of the route table, are lint rules (eslint.config.js,
 * run by `pnpm check`). These cases make sure the rules are live: each one below breaks a rule and
 * must be refused, and the allowed ones must not be.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const eslint = new ESLint({ cwd: root });
const BOUNDARY_RULES = new Set(['no-restricted-imports', 'no-restricted-syntax']);

/**
 * The boundary refusals of `code` linted as if it were the file at `filePath` (an existing file:
 * the type-aware parser knows only the files of a project).
 */
async function refusals(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${filePath}` });
  const fatal = result!.messages.filter((m) => m.fatal);
  if (fatal.length) throw new Error(fatal.map((m) => m.message).join('; '));
  return result!.messages.filter((m) => BOUNDARY_RULES.has(m.ruleId ?? '')).map((m) => m.message);
}

describe('the import boundaries', { timeout: 60_000 }, () => {
  it.each([
    [
      'web/src/lib/state/calendar.svelte.ts',
      "import { createApp } from '../../../../server/src/app.ts';",
    ],
    [
      'web/src/lib/state/calendar.svelte.ts',
      "import type { Engine } from '@berth/server/src/engine.ts';",
    ],
    [
      'server/src/modules/booking/booking-queries.ts',
      "import { io } from '../../realtime/socket-server.ts';",
    ],
    [
      'server/src/modules/booking/booking-queries.ts',
      "import { Router } from '../../http/router.ts';",
    ],
    [
      'server/src/http/routes/api-deps.ts',
      "import type { RaceDemo } from '../../realtime/race.ts';",
    ],
  ])('%s may not %s', async (file, code) => {
    expect(await refusals(file, `${code}\nexport {};\n`)).toHaveLength(1);
  });

  it.each([
    "export const ack = fetch('/api/search?from=NDLS');",
    'export const path = (pnr: string) => `/api/bookings/${pnr}`;',
  ])('the web may not write an API path of its own: %s', async (code) => {
    expect(await refusals('web/src/lib/state/calendar.svelte.ts', code)).toHaveLength(1);
  });

  it('a component may not import the server either', async () => {
    const component = `<script lang="ts">\n  import { createApp } from '../../server/src/app.ts';\n  void createApp;\n</script>\n`;
    expect(await refusals('web/src/routes/+page.svelte', component)).toHaveLength(1);
  });

  it.each([
    ['web/src/lib/state/calendar.svelte.ts', "import { httpRoutes } from '@berth/shared';"],
    [
      'server/src/modules/booking/booking-queries.ts',
      "import { DomainError } from '../../common/errors.ts';",
    ],
    ['server/src/http/routes/api-deps.ts', "import type { Engine } from '../../engine.ts';"],
    ['server/src/realtime/race.ts', "import { Router } from '../http/router.ts';"],
  ])('%s may %s', async (file, code) => {
    expect(await refusals(file, `${code}\nexport {};\n`)).toEqual([]);
  });
});
