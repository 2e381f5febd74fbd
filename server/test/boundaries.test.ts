import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The layers' boundaries are lint rules (eslint.config.js, run by `pnpm check`). These cases make
 * sure the rules are live: each import below breaks a boundary and must be refused.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));

async function refusals(filePath: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath: `${root}${filePath}` });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
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
