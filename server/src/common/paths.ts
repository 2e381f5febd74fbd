import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The repository root, found from this file's location (never a machine-specific path). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const defaultDataDir = path.join(repoRoot, '.data');
