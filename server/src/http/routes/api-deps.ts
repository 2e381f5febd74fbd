import type { NodeStats } from '@berth/shared';
import type { Engine } from '../../engine.ts';

/** What the HTTP routes need from the auth module. */
export interface AuthApi {
  register(input: unknown): Promise<unknown>;
  login(input: unknown): Promise<unknown>;
  refresh(input: unknown): Promise<unknown>;
  logout(input: unknown): Promise<void>;
  signOutEverywhere(userId: number): Promise<{ signedOut: number }>;
  me(userId: number): Promise<unknown>;
}

export interface HealthSource {
  health(): Promise<Record<string, unknown> & { ok: boolean }>;
  metricsText(): Promise<string>;
}

/** The cluster's nodes as the admin page lists them. */
export interface NodesSource {
  cluster(): Promise<NodeStats[]>;
}

export interface ApiDeps {
  engine: Engine;
  auth: AuthApi;
  health: HealthSource;
  nodes: NodesSource;
}

/** Query parameters as the object a service validates; numeric ones converted when they look numeric. */
export function queryObject(
  query: URLSearchParams,
  numeric: readonly string[] = [],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of query) {
    out[key] = numeric.includes(key) && /^-?\d+$/.test(value) ? Number(value) : value;
  }
  return out;
}
