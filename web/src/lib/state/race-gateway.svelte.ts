import type { GatewaySettingsView } from '@berth/shared';
import { loadGatewaySettings, saveGatewaySettings } from '../api/gateway.ts';
import { describeError } from '../format/errors.ts';
import type { Session } from './session.svelte.ts';

/** Wait this long after the last slider move before saving, so a drag is one request. */
const SAVE_DELAY_MS = 400;

/**
 * The simulated payment gateway's failure rate and latency, as an admin tunes them from the
 * race demo page (GET/PUT /api/admin/gateway).
 */
export class GatewayControls {
  #settings = $state.raw<GatewaySettingsView | null>(null);
  #error = $state<string | null>(null);
  #saved = $state(false);
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly session: Session) {}

  get settings(): GatewaySettingsView | null {
    return this.#settings;
  }
  get error(): string | null {
    return this.#error;
  }
  /** True once the last change has been stored by the server. */
  get saved(): boolean {
    return this.#saved;
  }

  async load(): Promise<void> {
    const ack = await loadGatewaySettings(this.session);
    if (ack.ok) this.#settings = ack.data;
    else this.#error = describeError(ack.error);
  }

  /** Shows the change at once and saves it shortly after the slider stops moving. */
  change(patch: Partial<Pick<GatewaySettingsView, 'failureRate' | 'latencyMs'>>): void {
    if (!this.#settings) return;
    this.#settings = { ...this.#settings, ...patch };
    this.#saved = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#save(), SAVE_DELAY_MS);
  }

  async #save(): Promise<void> {
    const s = this.#settings;
    if (!s) return;
    const ack = await saveGatewaySettings(this.session, {
      failureRate: s.failureRate,
      latencyMs: s.latencyMs,
    });
    if (ack.ok) {
      this.#error = null;
      this.#saved = true;
    } else {
      this.#error = describeError(ack.error);
    }
  }

  close(): void {
    if (this.#timer) clearTimeout(this.#timer);
  }
}
