import type { HealthReport, NodeStats } from '@berth/shared';
import type { Engine } from '../../engine.ts';
import type { AuthService } from '../../modules/auth/auth.service.ts';
import type { Reply } from '../http-types.ts';

export interface HealthSource {
  health(): Promise<HealthReport>;
  metricsText(): Promise<string>;
}

/** The cluster's nodes as the admin page lists them. */
export interface NodesSource {
  cluster(): Promise<NodeStats[]>;
}

/** The API's own reference: the OpenAPI document and the page that browses it. */
export interface ApiReference {
  document(): Record<string, unknown>;
  page(): Reply<string>;
  /** One of the page's scripts or styles; NOT_FOUND for any other name. */
  file(name: string): Promise<Reply<Uint8Array>>;
}

/** The race demo's users, while the demo is on. */
export interface DemoContenders {
  /** The user id of demo user `n` (1..50), created when first asked for. */
  contender(n: number): Promise<number>;
}

export interface ApiDeps {
  engine: Engine;
  auth: AuthService;
  health: HealthSource;
  nodes: NodesSource;
  reference: ApiReference;
  /** Absent while the race demo is off. */
  demo?: DemoContenders;
}
