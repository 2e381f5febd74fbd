import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `pnpm --filter @berth/server migration:create <name>`: writes an empty migration named by the
 * time now (`Migration<YYYYMMDDhhmmss>_<name>.ts`). Berth's migrations are SQL written by hand
 * (GiST exclusions, ranges and triggers are the point, and a generated diff would miss or mangle
 * them), so this only scaffolds the file; it is then listed in `migrationsList` in `orm.ts`, the
 * one place every runner (tsx, vitest, tsc) reads the set from.
 */
function main(): void {
  const name = process.argv[2];
  if (!name || !/^[a-z][a-z0-9_]*$/.test(name)) {
    console.error(
      'usage: migration:create <name>   (lower case, digits and _ only, e.g. add_waitlist)',
    );
    process.exit(1);
  }
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  const className = `Migration${stamp}_${name}`;
  const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
  const file = path.join(dir, `${className}.ts`);
  fs.writeFileSync(
    file,
    `import { Migration } from '@mikro-orm/migrations';

/** What this migration changes, and why. */
export class ${className} extends Migration {
  override up(): void {
    this.addSql(\`\`);
  }
}
`,
    { flag: 'wx' },
  );
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
  console.log(`next: write its SQL, then add it to migrationsList in src/db/orm.ts:`);
  console.log(`  import { ${className} } from './migrations/${className}.ts';`);
  console.log(`  { name: '${className}', class: ${className} },`);
}

main();
