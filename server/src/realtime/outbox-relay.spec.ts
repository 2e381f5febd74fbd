import { describe, expect, it } from 'vitest';
import { FINE_SHARDS_FROM_WATCHERS, SHARD_FROM_WATCHERS, shardedPublish } from './outbox-relay.ts';

/** Which rooms one seats:changed batch goes to, for a run with `watchers` on this node. */
async function roomsFor(watchers: number): Promise<string[]> {
  const sent: string[] = [];
  const publish = shardedPublish(
    (room) => ({ emit: () => sent.push(room) > 0 }),
    () => watchers,
  );
  await publish('run:7', 'seats:changed', { runId: 7, seats: [], committedAt: '' });
  return sent;
}

describe('shardedPublish slices big runs only', () => {
  it('sends a small run one broadcast to its room', async () => {
    expect(await roomsFor(SHARD_FROM_WATCHERS - 1)).toEqual(['run:7']);
  });

  it('sends a mid-sized run to its 8 coarse shards, each once', async () => {
    const sent = await roomsFor(SHARD_FROM_WATCHERS);
    expect(sent).toEqual(Array.from({ length: 8 }, (_, i) => `run:7#8.${i}`));
  });

  it('sends a run with thousands of watchers to its 32 fine shards, each once', async () => {
    const sent = await roomsFor(FINE_SHARDS_FROM_WATCHERS);
    expect(sent).toEqual(Array.from({ length: 32 }, (_, i) => `run:7#32.${i}`));
  });

  it('sends other events to their room as they are', async () => {
    const sent: string[] = [];
    const publish = shardedPublish(
      (room) => ({ emit: () => sent.push(room) > 0 }),
      () => 5000,
    );
    await publish('user:3', 'booking:updated', { bookingId: 1 });
    expect(sent).toEqual(['user:3']);
  });
});
