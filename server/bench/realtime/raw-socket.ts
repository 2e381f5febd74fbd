import { randomBytes } from 'node:crypto';
import net from 'node:net';

/**
 * A bare Socket.IO v5 client over Engine.IO v4 over one WebSocket (RFC 6455) on node:net: no
 * polling, no reconnection, no compression, no JSON parse of what the caller does not ask for.
 * A load generator sharing two cores with the servers must cost as little per message as
 * possible; socket.io-client costs several times this per socket and per packet.
 */
export class RawSocketIo {
  /** Called with the raw `42[...]` text of every event packet. */
  onEvent: (packet: string) => void = () => undefined;
  onClose: () => void = () => undefined;

  private readonly acks = new Map<number, (rest: string) => void>();
  private nextAck = 0;
  private closed = false;

  private constructor(private readonly ws: RawWebSocket) {
    ws.onText = (text) => this.onPacket(text);
    ws.onClose = () => {
      this.closed = true;
      this.onClose();
    };
  }

  /** Opens the websocket, waits for the Engine.IO open packet, joins `/` with `auth`. */
  static async connect(port: number, auth: object | null, timeoutMs = 20_000) {
    const ws = await RawWebSocket.connect(port, '/socket.io/?EIO=4&transport=websocket', timeoutMs);
    return new Promise<RawSocketIo>((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error('Socket.IO handshake timed out')), timeoutMs);
      const fail = (err: Error) => {
        clearTimeout(timer);
        ws.destroy();
        reject(err);
      };
      ws.onClose = () => fail(new Error('closed during the Socket.IO handshake'));
      ws.onText = (text) => {
        if (text[0] === '0') {
          ws.send(auth ? `40${JSON.stringify(auth)}` : '40');
        } else if (text.startsWith('40')) {
          clearTimeout(timer);
          resolve(new RawSocketIo(ws));
        } else if (text.startsWith('44')) {
          fail(new Error(`namespace refused: ${text.slice(2, 200)}`));
        } else if (text === '2') {
          ws.send('3');
        }
      };
    });
  }

  get isOpen() {
    return !this.closed;
  }

  /** Emits `[event, payload]` with an ack; `onAck` gets the text after `43<id>` (a JSON array). */
  emit(event: string, payload: unknown, onAck: (rest: string) => void) {
    const id = this.nextAck++;
    this.acks.set(id, onAck);
    this.ws.send(`42${id}${JSON.stringify([event, payload])}`);
  }

  close() {
    this.closed = true;
    this.ws.destroy();
  }

  private onPacket(text: string) {
    const type = text.charCodeAt(0);
    if (text === '2') return this.ws.send('3'); // Engine.IO ping -> pong
    if (type !== 0x34 /* '4': a Socket.IO packet */) return;
    const kind = text.charCodeAt(1);
    if (kind === 0x32 /* '2': event */) return this.onEvent(text);
    if (kind === 0x33 /* '3': ack */) {
      let i = 2;
      while (i < text.length && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) i++;
      const id = Number(text.slice(2, i));
      const cb = this.acks.get(id);
      if (cb) {
        this.acks.delete(id);
        cb(text.slice(i));
      }
    }
  }
}

/** The client end of one WebSocket: masked text frames out, unmasked frames in. */
class RawWebSocket {
  onClose: () => void = () => undefined;
  /** Texts that arrived before anyone listened (the open packet may share the 101's chunk). */
  private early: string[] | null = [];
  private handler: (text: string) => void = (text) => this.early?.push(text);

  private buffer: Buffer | null = null;
  private fragments: Buffer[] = [];

  private constructor(private readonly socket: net.Socket) {
    socket.on('close', () => this.onClose());
    socket.on('error', () => socket.destroy());
  }

  static connect(port: number, path: string, timeoutMs: number): Promise<RawWebSocket> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.setNoDelay(true);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error('websocket upgrade timed out'));
      }, timeoutMs);
      let head = Buffer.alloc(0);
      const onData = (chunk: Buffer) => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        clearTimeout(timer);
        socket.off('data', onData);
        socket.off('error', onError);
        const status = head.subarray(0, head.indexOf('\r\n')).toString();
        if (!/^HTTP\/1\.1 101/.test(status)) {
          socket.destroy();
          return reject(new Error(`upgrade refused: ${status}`));
        }
        const ws = new RawWebSocket(socket);
        socket.on('data', (data: Buffer) => ws.onData(data));
        resolve(ws);
        const rest = head.subarray(end + 4);
        if (rest.length > 0) ws.onData(rest);
      };
      const onError = (err: Error) => {
        clearTimeout(timer);
        reject(err);
      };
      socket.on('data', onData);
      socket.once('error', onError);
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\n` +
          `Connection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n` +
          `Sec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
  }

  set onText(handler: (text: string) => void) {
    this.handler = handler;
    const early = this.early ?? [];
    this.early = null;
    for (const text of early) handler(text);
  }

  send(text: string) {
    this.write(0x1, Buffer.from(text));
  }

  destroy() {
    this.socket.destroy();
  }

  private write(opcode: number, payload: Buffer) {
    const n = payload.length;
    const headerLength = n < 126 ? 2 : n < 65_536 ? 4 : 10;
    const frame = Buffer.allocUnsafe(headerLength + 4 + n);
    frame[0] = 0x80 | opcode;
    if (n < 126) frame[1] = 0x80 | n;
    else if (n < 65_536) {
      frame[1] = 0x80 | 126;
      frame.writeUInt16BE(n, 2);
    } else {
      frame[1] = 0x80 | 127;
      frame.writeBigUInt64BE(BigInt(n), 2);
    }
    // Servers must refuse unmasked client frames; the mask itself protects only proxies.
    const mask = randomBytes(4);
    mask.copy(frame, headerLength);
    const body = headerLength + 4;
    for (let i = 0; i < n; i++) frame[body + i] = payload[i]! ^ mask[i & 3]!;
    this.socket.write(frame);
  }

  private onData(chunk: Buffer) {
    let data = this.buffer ? Buffer.concat([this.buffer, chunk]) : chunk;
    this.buffer = null;
    for (;;) {
      if (data.length < 2) break;
      const fin = (data[0]! & 0x80) !== 0;
      const opcode = data[0]! & 0x0f;
      let length = data[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (data.length < 4) break;
        length = data.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (data.length < 10) break;
        length = Number(data.readBigUInt64BE(2));
        offset = 10;
      }
      if (data.length < offset + length) break;
      const payload = data.subarray(offset, offset + length);
      data = data.subarray(offset + length);
      this.onFrame(fin, opcode, payload);
    }
    if (data.length > 0) this.buffer = Buffer.from(data);
  }

  private onFrame(fin: boolean, opcode: number, payload: Buffer) {
    if (opcode === 0x1 || opcode === 0x0) {
      if (!fin) {
        this.fragments.push(Buffer.from(payload));
        return;
      }
      if (this.fragments.length > 0) {
        this.fragments.push(payload);
        payload = Buffer.concat(this.fragments);
        this.fragments = [];
      }
      this.handler(payload.toString());
    } else if (opcode === 0x9) {
      this.write(0xa, Buffer.from(payload));
    } else if (opcode === 0x8) {
      this.socket.end();
    }
  }
}
