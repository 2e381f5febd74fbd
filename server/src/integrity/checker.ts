import { IsolationLevel, type EntityManager } from '@mikro-orm/postgresql';
import { query } from '../common/sql.ts';
import { auditChecks } from './audit-checks.ts';
import { expiryChecks } from './expiry-checks.ts';
import { idempotencyChecks } from './idempotency-checks.ts';
import { paymentChecks } from './payment-checks.ts';
import type { Check, CheckResult, IntegrityOptions, IntegrityReport, Violation } from './report.ts';
import { seatChecks } from './seat-checks.ts';
import { segmentChecks } from './segment-counts.ts';

export { formatReport } from './report.ts';
export { countSegments, type SegmentCount } from './segment-counts.ts';
export type {
  CheckResult,
  IntegrityOptions,
  IntegrityReport,
  Invariant,
  Violation,
} from './report.ts';

/** Every check, in report order (by invariant). */
export const allChecks: readonly Check[] = [
  ...seatChecks,
  ...auditChecks,
  ...idempotencyChecks,
  ...paymentChecks,
  ...expiryChecks,
  ...segmentChecks,
];

/**
 * Runs every check against one consistent snapshot: a read-only REPEATABLE READ transaction, so a
 * live system cannot move between two checks (or two counts of one check) and now() is the same
 * instant throughout (given an EntityManager outside a transaction: inside one, the checks run in a
 * savepoint of the caller's transaction and see what it sees). A check that fails to run is
 * reported as a violation, and the rest still run.
 */
export async function checkIntegrity(
  em: EntityManager,
  options: IntegrityOptions = {},
): Promise<IntegrityReport> {
  const sweeperRunning = options.sweeperRunning ?? false;
  const graceSeconds = options.graceSeconds ?? 5;
  const results = await em.transactional(
    async (tx) => {
      const out: { check: Check; details: string[] }[] = [];
      for (const check of allChecks) {
        // A failed statement aborts the transaction; the savepoint keeps it usable for the next check.
        await query(tx, 'savepoint integrity_check');
        try {
          out.push({ check, details: await check.run({ em: tx, sweeperRunning, graceSeconds }) });
          await query(tx, 'release savepoint integrity_check');
        } catch (err) {
          await query(tx, 'rollback to savepoint integrity_check');
          out.push({ check, details: [`the check could not run: ${errorText(err)}`] });
        }
      }
      return out;
    },
    { isolationLevel: IsolationLevel.REPEATABLE_READ, readOnly: true },
  );

  const violations: Violation[] = results.flatMap(({ check, details }) =>
    details.map((detail) => ({ invariant: check.invariant, check: check.name, detail })),
  );
  const checks: CheckResult[] = results.map(({ check, details }) => ({
    name: check.name,
    invariant: check.invariant,
    violations: details.length,
  }));
  return { ok: violations.length === 0, violations, checks };
}

/** knex prefixes the driver's message with the whole statement; the statement is in the source. */
function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const lastLine = err.message.split('\n').pop() ?? err.message;
  const at = lastLine.lastIndexOf(' - ');
  const text = at >= 0 && err.message.includes('\n') ? lastLine.slice(at + 3) : err.message;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? `${text} (SQLSTATE ${code})` : text;
}
