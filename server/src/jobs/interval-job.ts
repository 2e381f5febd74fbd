import type { Logger } from '../common/logger.ts';
import { logFailure } from '../common/unavailable.ts';

export interface IntervalJob {
  stop(): Promise<void>;
}

/**
 * Runs `work` every `intervalMs`, never two runs at once, logging (not throwing) failures so a
 * passing database hiccup does not stop the job.
 */
export function startIntervalJob(
  name: string,
  intervalMs: number,
  log: Logger,
  work: () => Promise<unknown>,
): IntervalJob {
  let running: Promise<void> | undefined;
  let stopped = false;
  const tick = () => {
    if (running || stopped) return;
    running = work()
      .then(() => undefined)
      .catch((err: unknown) => logFailure(log, err, { job: name }, 'job run failed'))
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
