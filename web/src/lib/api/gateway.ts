import type { Ack, GatewaySettingsView } from '@berth/shared';
import type { Session } from '../state/session.svelte.ts';

/** The simulated payment gateway's settings (admins only), read and written by two pages. */
export type GatewayPatch = Partial<
  Pick<GatewaySettingsView, 'failureRate' | 'latencyMs' | 'timeoutMs'>
>;

export function loadGatewaySettings(session: Session): Promise<Ack<GatewaySettingsView>> {
  return session.api('gatewaySettings');
}

export function saveGatewaySettings(
  session: Session,
  patch: GatewayPatch,
): Promise<Ack<GatewaySettingsView>> {
  return session.api('setGatewaySettings', { body: patch });
}
