import type { GatewaySettingsView } from '@berth/shared';
import { loadGatewaySettings, saveGatewaySettings } from '../api/gateway.ts';
import { describeError } from '../format/errors.ts';
import type { Session } from './session.svelte.ts';

/** The simulated payment gateway's settings as an editable draft, saved with one PUT. */
export class GatewaySettingsDraft {
  #saved = $state<GatewaySettingsView | null>(null);
  /** What the form shows; edited in place through `bind:value`. */
  draft = $state<GatewaySettingsView>({ failureRate: 0, latencyMs: 0, timeoutMs: 1 });
  #busy = $state(false);
  #message = $state<{ kind: 'ok' | 'error'; text: string } | null>(null);

  constructor(private readonly session: Session) {}

  get saved(): GatewaySettingsView | null {
    return this.#saved;
  }
  get busy(): boolean {
    return this.#busy;
  }
  get message(): { kind: 'ok' | 'error'; text: string } | null {
    return this.#message;
  }
  get dirty(): boolean {
    const s = this.#saved;
    return (
      !!s &&
      (s.failureRate !== this.draft.failureRate ||
        s.latencyMs !== this.draft.latencyMs ||
        s.timeoutMs !== this.draft.timeoutMs)
    );
  }

  async load(): Promise<void> {
    const ack = await loadGatewaySettings(this.session);
    if (ack.ok) this.#adopt(ack.data);
    else this.#message = { kind: 'error', text: describeError(ack.error) };
  }

  async save(): Promise<void> {
    this.#busy = true;
    this.#message = null;
    const ack = await saveGatewaySettings(this.session, {
      failureRate: this.draft.failureRate,
      latencyMs: this.draft.latencyMs,
      timeoutMs: this.draft.timeoutMs,
    });
    this.#busy = false;
    if (ack.ok) {
      this.#adopt(ack.data);
      this.#message = { kind: 'ok', text: 'Saved. New payments use these settings on every node.' };
    } else {
      this.#message = { kind: 'error', text: describeError(ack.error) };
    }
  }

  reset(): void {
    if (this.#saved) this.draft = { ...this.#saved };
    this.#message = null;
  }

  #adopt(view: GatewaySettingsView) {
    this.#saved = view;
    this.draft = { ...view };
  }
}
