/// <reference types="node" />
/**
 * `pnpm docs:protocol` (plain `pnpm docs` is npm's docs command): writes docs/protocol.md from
 * shared/ (see src/protocol-doc/protocol-doc.ts).
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { protocolDoc } from '../src/protocol-doc/protocol-doc.ts';

const target = new URL('../../docs/protocol.md', import.meta.url);
const doc = protocolDoc();
writeFileSync(target, doc);
console.log(`wrote ${fileURLToPath(target)} (${doc.length} characters)`);
