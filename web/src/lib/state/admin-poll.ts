/**
 * Runs `work` now and then every `everyMs` while the page is visible. A hidden tab stops asking
 * (operators leave dashboards open for days) and asks at once when it is shown again. Runs never
 * overlap: the next one is scheduled only after the previous one has finished.
 */
export function pollWhileVisible(work: () => Promise<void>, everyMs: number): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running = false;
  let stopped = false;
  const hidden = () => globalThis.document?.hidden ?? false;

  const tick = async () => {
    timer = null;
    if (stopped || running || hidden()) return;
    running = true;
    try {
      await work();
    } finally {
      running = false;
    }
    if (!stopped && !hidden()) timer = setTimeout(() => void tick(), everyMs);
  };
  const onVisibility = () => {
    if (!hidden() && !timer) void tick();
  };

  globalThis.document?.addEventListener('visibilitychange', onVisibility);
  void tick();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    globalThis.document?.removeEventListener('visibilitychange', onVisibility);
  };
}
