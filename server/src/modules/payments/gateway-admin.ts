import { gatewaySettingsSchema } from '@berth/shared';
import { parse } from '../../common/validate.ts';
import type { EngineContext } from '../../engine-context.ts';
import { assertAdmin } from '../admin/admin.service.ts';
import type { Actor } from '../audit/transition-writer.ts';
import type { GatewaySettingsView } from '@berth/shared';

export async function getGatewaySettings(
  ctx: EngineContext,
  actor: Actor,
): Promise<GatewaySettingsView> {
  assertAdmin(actor);
  return ctx.gateway.settings();
}

/** An admin tunes the simulated gateway at run time; every node reads the same row. */
export async function setGatewaySettings(
  ctx: EngineContext,
  actor: Actor,
  input: unknown,
): Promise<GatewaySettingsView> {
  assertAdmin(actor);
  const patch = parse(gatewaySettingsSchema, input);
  const clean = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
  return ctx.gateway.updateSettings(clean);
}
