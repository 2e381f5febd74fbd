// The page: docs/protocol.md's prose and sections, put together by protocolDoc().
/**
 * docs/protocol.md, generated from shared/: the reference a third party (a kiosk vendor) builds a
 * Socket.IO client from. Event descriptions are the JSDoc lines of events.ts, error meanings and
 * rooms the JSDoc of errors.ts and rooms.ts (all read with the TypeScript compiler API, so the
 * comments stay the one source), and every payload is the zod schema the server validates with,
 * as JSON Schema. `pnpm docs:protocol` writes the page (not `pnpm docs`: pnpm hands that to npm's
 * docs command); protocol-doc.spec.ts fails when the committed page is stale.
 * Not exported from index.ts: it reads files, and typescript is only a dev dependency.
 */
import type { z } from 'zod';
import { commandSchemas } from '../commands.ts';
import { ackErrorSchema, ERROR_CODES, RETRY_WITH_SAME_KEY, retryAfterSchema } from '../errors.ts';
import { ackSchemas, pushSchemas } from '../wire-schemas.ts';
import { jsonBlock } from './json-layout.ts';
import {
  ackTypeSource,
  constantDoc,
  type Documented,
  errorCodeDocs,
  eventMapDoc,
  roomDocs,
} from './source-docs.ts';
import { unexpressedRules } from './unexpressed-rules.ts';

/** GitHub's anchor for a heading of inline code such as `run:watch`. */
function anchor(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, '')
    .replace(/ /g, '-');
}

function section(event: Documented, lines: string[]): string {
  if (!event.description) throw new Error(`protocol-doc: ${event.name} has no JSDoc in events.ts`);
  return [`### \`${event.name}\``, event.description, ...lines].join('\n\n');
}

function intro(): string {
  return `<!-- Generated from shared/ by \`pnpm docs:protocol\` (shared/src/protocol-doc/): edit shared/, not this file. -->

# Berth's Socket.IO protocol

How a client (a kiosk, an app) talks to a Berth node in real time: what to send, what comes back,
and what the server pushes. Everything below the prose is generated from \`shared/\`, the contract
the server and the web client are built on: each event's description is its JSDoc line in
\`shared/src/events.ts\`, and each payload is the zod schema the server validates it with
(\`commandSchemas\`, \`ackSchemas\`, \`pushSchemas\`), shown as JSON Schema (draft 2020-12). A
payload the schema refuses is answered \`VALIDATION\`; what JSON Schema cannot express (a rule
across fields, a value normalised before it is checked) is listed under the command as "Not in
the JSON Schema". Where a payload is the same as one already shown, the page links to it.

## Connecting

Connect with a Socket.IO 4 client to a node (or the load balancer in front of the nodes), passing
the access token in the handshake:

\`\`\`js
import { io } from 'socket.io-client';

const socket = io(url, { auth: { token: accessToken } });
\`\`\`

The access token is the JWT a sign-in over HTTP answers with (\`POST /api/auth/login\`: an access
token, for 15 minutes by default, and a refresh token; \`POST /api/auth/refresh\` trades the
refresh token for a new pair). Without a token the socket is anonymous: it may watch but not change anything, and a
command that needs a signed-in user is answered \`UNAUTHENTICATED\`. A token the node refuses
fails the connection: the client's \`connect_error\` carries the refusal in \`err.data\`, shaped as
an ack (\`{ ok: false, error }\`): \`UNAUTHENTICATED\`, or \`RATE_LIMITED\` when the account already
has \`MAX_SOCKETS_PER_USER\` (default 20) sockets open on that node.

To stay signed in without reconnecting, refresh the token over HTTP and send the new one with
\`auth:renew\`: the socket keeps its rooms. A socket whose token has expired acts as anonymous.
Revoking a sign-in (a spent refresh token presented again, logout, sign out everywhere) reaches
every node, which from then on refuses its access token, also on every command of a socket
already open with it: the socket stays connected, anonymous, and no longer receives the user's
pushes.

Browsers may connect only from the node's own origin, localhost or \`ALLOWED_ORIGINS\`. A frame
over 16 KB closes the socket.

## Commands and acknowledgements

Send every command as \`socket.emit(name, payload, ack)\`: one payload, then the ack callback. A
frame without its payload, or with more arguments, is answered \`VALIDATION\` at once; a command
without an ack callback is dropped unanswered. Every command is acknowledged with an \`Ack\`:

\`\`\`ts
${ackTypeSource()}
\`\`\`

The \`data\` of each command's ack is given with the command below; \`error\` is:

${jsonBlock(ackErrorSchema)}

Clients branch on \`error.code\` (the codes are listed under [Error codes](#error-codes) and never
change meaning); \`message\` is for people. Commands are limited per user per minute
(\`RATE_LIMITS\`; by default \`hold:create\` 120, \`booking:request\` 60, \`hold:release\` 120, \`booking:pay\` 60,
\`booking:cancel\` 60, \`run:watch\` 600, \`auth:renew\` 60); past a limit the answer is
\`RATE_LIMITED\`.

## Idempotency and retries

Every hold, pay and cancel carries an \`idempotencyKey\` the client chooses, unique per user and
command: a retry sends the same one. A retry replays the stored result, the same key with a
different request is \`IDEMPOTENCY_MISMATCH\`, and concurrent requests with one key execute once.

${retryParagraph()}

\`retryAfterSchema\`: ${constantDoc('retryAfterSchema')}

${jsonBlock(retryAfterSchema)}

An ack lost to a dropped connection leaves the outcome unknown: send the command again with the
same key once reconnected. After \`PAYMENT_DECLINED\`, pay again with a new key while the hold
lasts.

## Seat maps: snapshots, batches and digests

\`run:watch\` answers with a snapshot of the run's seat map for one segment (\`from\` to \`to\`),
with its \`stops\` and the server's clock (\`serverNow\`); from then on the socket receives the
run's \`seats:changed\` batches, about every 50 ms. A batch carries each changed seat's \`version\`
and its whole \`occupancy\` along the route (stop \`seq\` ranges, \`from\` inclusive, \`to\`
exclusive), for every segment: each client derives its own segment's state, and ignores a seat
whose version it has already seen (a batch may carry a change the snapshot already shows).

Every 5 s (by default) per watched run a \`seats:digest\` gives the run's seat count and the sum
of its seats' versions. A client whose sum differs has missed a batch and takes a fresh snapshot
(\`run:watch\` again). A client that stops reading (a slow consumer) is not waited for: what it
is not sent, it finds out about from the versions and the next digest. A reconnect always
re-snapshots: a new connection is in no run's room, so send \`run:watch\` again for every run
shown.

A signed-in socket also receives the user's own pushes, on every device: \`hold:expiring\` about a
minute before a hold lapses (a hold lasts \`HOLD_SECONDS\`, by default 5 minutes), \`hold:expired\`
when it has, and \`booking:updated\` when a booking changes. \`race:watch\` and \`race:start\` exist
only while the race demo is on (\`BERTH_DEMO\`); a node without it leaves them unanswered.`;
}

function retryParagraph(): string {
  const codes = RETRY_WITH_SAME_KEY.map((c) => `\`${c}\``);
  const list = `${codes.slice(0, -1).join(', ')} and ${codes.at(-1) ?? ''}`;
  return `${list} (\`RETRY_WITH_SAME_KEY\`): ${constantDoc('RETRY_WITH_SAME_KEY')}`;
}

/** docs/protocol.md, as it should be committed. */
export function protocolDoc(): string {
  const commands = eventMapDoc('ClientToServerEvents');
  const pushes = eventMapDoc('ServerToClientEvents');
  const index = (events: Documented[]) =>
    events.map((e) => `- [\`${e.name}\`](#${anchor(e.name)})`).join('\n');

  // A schema printed once already (a booking view, a race result) links back instead of repeating.
  const shown = new Map<string, string>();
  const schemaBlock = (schema: z.ZodType, where: string): string => {
    const block = jsonBlock(schema);
    const first = shown.get(block);
    if (first) return `The same as ${first}.`;
    if (block.split('\n').length > 20) shown.set(block, where);
    return block;
  };

  const commandSections = commands.events.map((event) => {
    const name = event.name as keyof typeof commandSchemas;
    const link = `[\`${name}\`](#${anchor(name)})`;
    const payload = commandSchemas[name];
    const rules = unexpressedRules(payload);
    return section(event, [
      '**Payload**',
      schemaBlock(payload, `the payload of ${link}`),
      ...(rules.length ? ['Not in the JSON Schema:', rules.map((r) => `- ${r}`).join('\n')] : []),
      '**Ack `data`**',
      schemaBlock(ackSchemas[name].options[0].shape.data, `the ack \`data\` of ${link}`),
    ]);
  });
  const pushSections = pushes.events.map((event) => {
    const name = event.name as keyof typeof pushSchemas;
    const link = `[\`${name}\`](#${anchor(name)})`;
    return section(event, [
      '**Payload**',
      schemaBlock(pushSchemas[name], `the payload of ${link}`),
    ]);
  });
  const errors = errorCodeDocs().map((e) => {
    const retry = RETRY_WITH_SAME_KEY.includes(e.name as (typeof ERROR_CODES)[number])
      ? ' (retry with the same idempotency key)'
      : '';
    return `- \`${e.name}\`${retry}${e.description ? `: ${e.description}` : ''}`;
  });
  const rooms = roomDocs().map(
    (r) => `- \`${r.pattern}\` (\`rooms.${r.name}\`)${r.description ? `: ${r.description}` : ''}`,
  );

  return [
    intro(),
    '## Commands',
    commands.description,
    index(commands.events),
    ...commandSections,
    '## Pushes',
    pushes.description,
    index(pushes.events),
    ...pushSections,
    '## Error codes',
    'From `shared/src/errors.ts`, in its order, with the meaning it gives where it gives one.',
    errors.join('\n'),
    '## Rooms',
    'A client never names a room: the server puts a socket in rooms (watching a run, signing in, ' +
      'watching the race) and sends each push to a room. The names, from `shared/src/rooms.ts`:',
    rooms.join('\n'),
  ]
    .join('\n\n')
    .concat('\n');
}
