import type { Em } from '../common/sql.ts';

/** The invariants (docs/architecture.md) the checker can prove from the database alone. */
export type Invariant = 1 | 2 | 3 | 4 | 8;

export interface Violation {
  invariant: Invariant;
  check: string;
  /** Human-readable, naming the ids involved. */
  detail: string;
}

export interface CheckResult {
  name: string;
  invariant: Invariant;
  violations: number;
}

export interface IntegrityReport {
  ok: boolean;
  violations: Violation[];
  checks: CheckResult[];
}

export interface IntegrityOptions {
  /** A sweeper is running: a lapsed hold older than `graceSeconds` means it is not doing its job. */
  sweeperRunning?: boolean;
  graceSeconds?: number;
}

export interface CheckContext {
  /** Inside one read-only REPEATABLE READ transaction: every check sees the same snapshot and now(). */
  em: Em;
  sweeperRunning: boolean;
  graceSeconds: number;
}

/** One small check: its own SQL, returning one detail line per violation (none when clean). */
export interface Check {
  name: string;
  invariant: Invariant;
  run(ctx: CheckContext): Promise<string[]>;
}

/** One line per violation, then a summary line. */
export function formatReport(report: IntegrityReport): string {
  const lines = report.violations.map((v) => `[invariant ${v.invariant}] ${v.check}: ${v.detail}`);
  const failing = report.checks.filter((c) => c.violations > 0);
  lines.push(
    report.ok
      ? `integrity ok: ${report.checks.length} checks, no violations`
      : `integrity FAILED: ${report.violations.length} violation(s) in ${failing.length} of ` +
          `${report.checks.length} checks (${failing.map((c) => `${c.name} ${c.violations}`).join(', ')})`,
  );
  return lines.join('\n');
}
