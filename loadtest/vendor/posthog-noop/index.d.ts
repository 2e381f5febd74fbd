export declare class PostHog {
  constructor(apiKey?: string, options?: Record<string, unknown>);
  capture(payload?: unknown): void;
  identify(payload?: unknown): void;
  alias(payload?: unknown): void;
  groupIdentify(payload?: unknown): void;
  flush(): Promise<void>;
  shutdown(): void;
  shutdownAsync(): Promise<void>;
}
/** Marks this package as Berth's no-op stand-in. */
export declare const BERTH_NOOP: true;
