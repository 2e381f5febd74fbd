/// <reference types="node" />
// Checks the committed docs/protocol.md against the generator and the contract in shared/.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';
import { commandSchemas } from '../commands.ts';
import { pushSchemas } from '../wire-schemas.ts';
import { protocolDoc } from './protocol-doc.ts';
import { eventMapDoc } from './source-docs.ts';

const committed = () => readFileSync(new URL('../../../docs/protocol.md', import.meta.url), 'utf8');

describe('docs/protocol.md', () => {
  const doc = protocolDoc();

  it('is what the generator writes from shared/ now', () => {
    // toBe, not a diff of 25 KB: the fix is always the same.
    expect(
      committed() === doc,
      'docs/protocol.md is stale: run `pnpm docs:protocol` (from the root or shared/) and commit it',
    ).toBe(true);
  });

  // Else `pnpm format` would rewrite the page and this file would call it stale.
  it('is laid out as prettier lays it out', async () => {
    const filepath = fileURLToPath(new URL('../../../docs/protocol.md', import.meta.url));
    const options = await prettier.resolveConfig(filepath);
    expect(await prettier.format(doc, { ...options, filepath })).toBe(doc);
  });

  it('has a heading for every command and every push', () => {
    const headings = new Set(doc.split('\n').filter((line) => line.startsWith('### ')));
    for (const name of [...Object.keys(commandSchemas), ...Object.keys(pushSchemas)]) {
      expect(headings, name).toContain(`### \`${name}\``);
    }
  });

  it('describes every event of events.ts from its JSDoc', () => {
    const commands = eventMapDoc('ClientToServerEvents');
    const pushes = eventMapDoc('ServerToClientEvents');
    expect(commands.events.map((e) => e.name)).toEqual(Object.keys(commandSchemas));
    expect(pushes.events.map((e) => e.name)).toEqual(Object.keys(pushSchemas));
    for (const event of [...commands.events, ...pushes.events]) {
      expect(event.description, `${event.name} needs a JSDoc line in events.ts`).not.toBe('');
      expect(doc).toContain(`### \`${event.name}\`\n\n${event.description}\n`);
    }
  });
});
