/**
 * The Artillery processor of every Berth persona (bundled to CommonJS by the runner). Each
 * export is a `function` step of scenarios/*.yml, written with Artillery's callback signature
 * `(context, events, done)`: Artillery tells callback steps from promise steps by their
 * constructor's name, and a bundler may turn an async function into a plain one.
 */
import fs from 'node:fs';
import { planSchema, type Plan } from '../src/plan.ts';
import { journalFor } from './journal.ts';
import * as personas from './personas.ts';
import { Vu, type Context, type Events } from './vu.ts';

type Done = (err?: Error) => void;
type Step = (context: Context, events: Events, done: Done) => void;

const plans = new Map<string, Plan>();
function planOf(context: Context): Plan {
  const file = String(context.vars.planPath);
  let plan = plans.get(file);
  if (!plan) plans.set(file, (plan = planSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')))));
  return plan;
}

const vus = new WeakMap<Context, Vu>();
function vuOf(context: Context, events: Events): Vu {
  let vu = vus.get(context);
  if (!vu) {
    const plan = planOf(context);
    vus.set(context, (vu = new Vu(context, events, plan, journalFor(plan))));
  }
  return vu;
}

/**
 * A step that never fails its virtual user: what went wrong is counted and journalled (a bug
 * here is a PROCESSOR problem, which fails the run), and the user goes on to report its map.
 */
function step(body: (vu: Vu) => Promise<void>): Step {
  return function (context, events, done) {
    let vu: Vu;
    try {
      vu = vuOf(context, events);
    } catch (err) {
      done(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    body(vu).then(
      () => done(),
      (err: unknown) => {
        vu.counter('berth.processor_errors');
        vu.journal.problem(
          'PROCESSOR',
          vu.persona,
          err instanceof Error ? (err.stack ?? err.message) : String(err),
        );
        done();
      },
    );
  };
}

/** First step of every persona: the user exists, listens for pushes, and the clock has a t0. */
export const connect = step((vu) => {
  vu.journal.start();
  return Promise.resolve();
});
export const watchAssigned = step(personas.watchAssigned);
export const kioskBoard = step(personas.kioskBoard);
export const search = step(personas.search);
export const watchChosen = step(personas.watchChosen);
export const holdSeats = step(personas.holdSeats);
export const payOrRelease = step(personas.payOrRelease);
export const maybeCancel = step(personas.maybeCancel);
export const watchHot = step(personas.watchHot);
export const awaitRound = step(personas.awaitRound);
export const snipe = step(personas.snipe);
export const watchRush = step(personas.watchRush);
export const rush = step(personas.rush);
/** Last step of every persona: after the drained signal, the maps go to the journal. */
export const reportMaps = step((vu) => vu.reportMaps());

/** `whileTrue` of the stay-loops: true until the load window ends. */
export function loadRunning(context: Context, next: (more: boolean) => void) {
  next(journalFor(planOf(context)).loadRunning());
}
