'use strict';
// Artillery's lib/telemetry.js does `new (require('posthog-node').PostHog)(key, opts)`, then
// `capture()` and `shutdownAsync()`. This class takes every call and sends nothing, anywhere.
class PostHog {
  constructor() {}
  capture() {}
  identify() {}
  alias() {}
  groupIdentify() {}
  flush() {
    return Promise.resolve();
  }
  shutdown() {}
  shutdownAsync() {
    return Promise.resolve();
  }
}

module.exports = { PostHog, BERTH_NOOP: true };
