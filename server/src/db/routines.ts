import { HOLD_FUNCTION } from '../modules/booking/hold-function.ts';

/**
 * The SQL functions the code calls. They are code, not schema: `migrate` creates or replaces
 * them from these texts after the migrations, under the migration lock, at every start, so a
 * function is always the one of the code that calls it.
 */
export const ROUTINES: readonly string[] = [HOLD_FUNCTION];
