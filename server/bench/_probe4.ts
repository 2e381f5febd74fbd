import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import pg from 'pg';
import { createLogger } from '../src/common/logger.ts';
import { analyzeHoldTables, Cleanup, openBenchDatabase, resetBookings, seedFixture } from './bench-db.ts';
import { rawHold } from './raw-hold.ts';

const cleanup = new Cleanup();
try {
  const url = await openBenchDatabase(createLogger('warn'), cleanup);
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  cleanup.add('pool', () => pool.end());
  const f = await seedFixture(pool, 60000);
  for (let i = 0; i < 300; i++) await rawHold(pool, f, f.userIds[i]!, f.seatIds[i]!, `probe-${i}`, 300);
  await analyzeHoldTables(pool);
  await resetBookings(pool);
  const script = `
\\set i random(1, 59000)
\\set key random(1, 1000000000)
BEGIN;
insert into idempotency_keys (user_id, key, operation, request_hash) values (:i, 'k' || :key || '-' || :client_id, 'hold', 'abc') on conflict do nothing returning 1;
select id from users where id = :i for update;
select b.pnr from bookings b where b.user_id = :i and b.status in ('held','paying','confirmed') and b.journey && tstzrange(now(), now() + interval '1 hour') limit 1;
select id from seats where id = any(array[:i]::bigint[]) order by id for update;
select bs.seat_id from booking_seats bs join bookings b on b.id = bs.booking_id where bs.active and bs.seat_id = any(array[:i]::bigint[]) and bs.stops && int4range(0,4) and bs.part && '[0,2)'::int4range;
insert into bookings (pnr, user_id, run_id, from_seq, to_seq, class_code, status, journey, expires_at, hold_until, fare_paise, idempotency_key) values (substr(md5(random()::text), 1, 10), :i, ${f.runId}, 0, 4, 'SL', 'expired', tstzrange(now(), now() + interval '1 hour'), now(), now(), 100, 'k' || :key || '-' || :client_id) returning id;
insert into booking_seats (booking_id, seat_id, stops, passenger_name, passenger_age, active) values (currval('bookings_id_seq'), :i, int4range(0,4), 'P', 30, false);
update seats set version = version + 1 where id = :i;
with a as (insert into audit_log (actor, actor_user_id, action, booking_id, after) values ('u', :i, 'HOLD', currval('bookings_id_seq'), '{"status":"held"}')) insert into outbox (event, room, payload) values ('seats:changed', 'run:1', '{"a":1}'), ('booking:updated', 'user:1', '{"b":2}');
update idempotency_keys set status = 'completed', response = '{"ok":true}' where user_id = :i and key = 'k' || :key || '-' || :client_id;
COMMIT;
`;
  fs.writeFileSync('/tmp/hold.pgbench', script);
  const u = new URL(url);
  for (const c of [1, 8, 32]) {
    for (const mode of ['simple']) {
      const out = execFileSync('/usr/lib/postgresql/15/bin/pgbench', ['-n', '-M', mode, '-c', String(c), '-j', '2', '-T', '5', '-f', '/tmp/hold.pgbench', '-h', u.hostname, '-p', u.port, '-U', 'postgres', u.pathname.slice(1)], { env: { ...process.env, PGPASSWORD: 'postgres' } }).toString();
      console.log(`c${c} ${mode}:`, out.split('\n').filter((l) => /tps|latency average|failed/.test(l)).join(' | '));
      await resetBookings(pool);
    }
  }
} finally {
  await cleanup.run();
}
