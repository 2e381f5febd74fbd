/**
 * A client process of the realtime bench (forked by workers.ts): opens many raw Socket.IO
 * sockets, notes when each `seats:changed` batch reaches each of them, and sends holds at a
 * steady rate. It answers the parent's requests (protocol.ts) over the IPC channel.
 */
import type { Envelope, HoldPlan, Receipt, WorkerReply, WorkerRequest } from './protocol.ts';
import { receiptKey } from './protocol.ts';
import { RawSocketIo } from './raw-socket.ts';

/** Handshakes in flight per worker: enough to connect thousands in seconds, few enough to queue. */
const CONNECT_CONCURRENCY = 64;
/** How long after the last hold is sent its ack may take before it counts as unanswered. */
const ACK_GRACE_MS = 10_000;

const sockets: (RawSocketIo | undefined)[] = [];
/** Per batch key: sockets reached, first and last receipt (ms since epoch). */
let receipts = new Map<string, { count: number; first: number; last: number }>();

const CHANGED_PREFIX = '42["seats:changed",';
const COMMITTED_AT = /"committedAt":"([^"]+)"/;
const FIRST_SEAT = /"seatId":(\d+),"version":(\d+)/;

function onEvent(packet: string) {
  if (!packet.startsWith(CHANGED_PREFIX)) return;
  const now = Date.now();
  // Two regexes, not JSON.parse: the key is all we need, and this runs N times per batch.
  const committedAt = COMMITTED_AT.exec(packet)?.[1];
  const seat = FIRST_SEAT.exec(packet);
  if (!committedAt || !seat) return;
  const key = receiptKey(committedAt, `${seat[1]}v${seat[2]}`);
  const r = receipts.get(key);
  if (r) {
    r.count++;
    if (now > r.last) r.last = now;
  } else {
    receipts.set(key, { count: 1, first: now, last: now });
  }
}

async function connect(req: Extract<WorkerRequest, { type: 'connect' }>): Promise<WorkerReply> {
  const started = performance.now();
  let opened = 0;
  let failed = 0;
  let firstError: string | undefined;
  let next = 0;
  // Socket i keeps index base + i: a holder socket's index is its user's, whatever order
  // the handshakes finish in.
  const base = sockets.length;
  const one = async (i: number) => {
    const token = req.tokens?.[i];
    const socket = await RawSocketIo.connect(
      req.ports[i % req.ports.length]!,
      token ? { token } : null,
    );
    socket.onEvent = onEvent;
    if (req.watch) {
      const watch = req.watch;
      await new Promise<void>((resolve, reject) => {
        socket.emit('run:watch', watch, (rest) => {
          // The snapshot is tens of kilobytes; only whether it succeeded matters here.
          if (rest.startsWith('[{"ok":true')) resolve();
          else reject(new Error(`run:watch refused: ${rest.slice(0, 200)}`));
        });
      });
    }
    sockets[base + i] = socket;
  };
  const lane = async () => {
    while (next < req.count) {
      const i = next++;
      try {
        await one(i);
        opened++;
      } catch (err) {
        failed++;
        firstError ??= err instanceof Error ? err.message : String(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONNECT_CONCURRENCY, req.count) }, lane));
  return { type: 'connected', opened, failed, firstError, ms: performance.now() - started };
}

function holdPayload(plan: HoldPlan, i: number) {
  const seats = plan.seatIds.length;
  const j = i % seats;
  const k = Math.floor(i / seats);
  if (k + 1 >= plan.stops.length) throw new Error(`hold ${i} is past the run's capacity`);
  return {
    socket: j,
    payload: {
      runId: plan.runId,
      from: plan.stops[k]!,
      to: plan.stops[k + 1]!,
      seatIds: [plan.seatIds[j]!],
      passengers: [{ name: `Bench ${j}`, age: 30 }],
      idempotencyKey: `${plan.keyPrefix}-${i}`,
    },
  };
}

/** Sends holds [first, first + count) at a steady rate from the signed-in sockets. */
function holds(req: Extract<WorkerRequest, { type: 'holds' }>): Promise<WorkerReply> {
  return new Promise((resolve) => {
    const latencies: number[] = [];
    const codes: Record<string, number> = {};
    const count = (code: string) => (codes[code] = (codes[code] ?? 0) + 1);
    let sent = 0;
    let answered = 0;
    const start = performance.now();
    let lastAck = start;
    let graceTimer: NodeJS.Timeout | undefined;
    const finish = () => {
      clearInterval(ticker);
      clearTimeout(graceTimer);
      if (answered < sent) codes.NO_ACK = sent - answered;
      resolve({
        type: 'holds:done',
        latencies,
        codes,
        elapsedMs: lastAck - start,
      });
    };
    const sendOne = (i: number) => {
      const { socket: j, payload } = holdPayload(req.plan, i);
      const socket = sockets[j % sockets.length];
      const t0 = performance.now();
      sent++;
      if (!socket?.isOpen) {
        answered++;
        count('SOCKET_CLOSED');
        return;
      }
      socket.emit('hold:create', payload, (rest) => {
        lastAck = performance.now();
        latencies.push(lastAck - t0);
        answered++;
        const ack = (JSON.parse(rest) as [{ ok: boolean; error?: { code: string } }])[0];
        count(ack.ok ? 'OK' : (ack.error?.code ?? 'ERROR'));
        if (sent === req.count && answered === sent) finish();
      });
    };
    // Hold i goes at a random instant of its 1/rate slot: the mean rate is exact, and the holds
    // do not keep one phase against the relays' 50 ms polls (200 ms or 50 ms spacing would).
    const at = Array.from(
      { length: req.count },
      (_, i) => ((i + Math.random()) * 1000) / req.ratePerSecond,
    );
    // A 2 ms ticker sends whatever is due: the schedule is absolute, so a late tick catches up.
    const ticker = setInterval(() => {
      const now = performance.now() - start;
      while (sent < req.count && at[sent]! <= now) sendOne(req.first + sent);
      if (sent === req.count) {
        clearInterval(ticker);
        if (answered === sent) finish();
        else graceTimer ??= setTimeout(finish, ACK_GRACE_MS);
      }
    }, 2);
  });
}

async function handle(req: WorkerRequest): Promise<WorkerReply> {
  switch (req.type) {
    case 'connect':
      return connect(req);
    case 'close':
      for (const s of sockets.splice(0)) s?.close();
      return { type: 'closed' };
    case 'receipts:reset':
      receipts = new Map();
      return { type: 'ok' };
    case 'receipts:take': {
      const out: Receipt[] = [...receipts].map(([k, r]) => [k, r.count, r.first, r.last]);
      receipts = new Map();
      return { type: 'receipts', receipts: out };
    }
    case 'holds':
      return holds(req);
  }
}

process.on('message', (msg: Envelope<WorkerRequest>) => {
  handle(msg).then(
    (reply) => process.send?.({ ...reply, id: msg.id }),
    (err: unknown) =>
      process.send?.({
        id: msg.id,
        type: 'error',
        message: err instanceof Error ? err.message : String(err),
      }),
  );
});
// The parent going away (even by SIGKILL) closes the channel: leave with it.
process.on('disconnect', () => process.exit(0));
