/**
 * The one STUN exchange a SIP UDP socket needs: RFC 5626 §4.4.2 keep-alives are STUN Binding
 * requests (RFC 5389), answered with a Binding success response carrying XOR-MAPPED-ADDRESS.
 */
import { isIPv4 } from 'node:net';

/** RFC 5389 §6 magic cookie. */
export const STUN_MAGIC_COOKIE = 0x2112a442;
const BINDING_REQUEST = 0x0001;
const BINDING_SUCCESS = 0x0101;
const XOR_MAPPED_ADDRESS = 0x0020;
const HEADER = 20;

/** True if `data` looks like a STUN message (RFC 5389 §6: top bits 0, magic cookie). */
export function isStun(data: Buffer): boolean {
  return data.length >= HEADER && (data[0] & 0xc0) === 0 && data.readUInt32BE(4) === STUN_MAGIC_COOKIE;
}

/**
 * The Binding success response to a Binding request from `address:port`, or undefined if `data`
 * is not a well-formed Binding request.
 */
export function stunBindingResponse(data: Buffer, address: string, port: number): Buffer | undefined {
  if (!isStun(data) || data.readUInt16BE(0) !== BINDING_REQUEST) return undefined;
  const declared = data.readUInt16BE(2);
  if (declared % 4 !== 0 || HEADER + declared !== data.length) return undefined;
  const txid = data.subarray(8, HEADER);
  const ip = addressBytes(address);
  if (ip === undefined) return undefined;
  // RFC 5389 §15.2: port XOR the cookie's top 16 bits; address XOR cookie (and transaction id).
  const mask = Buffer.alloc(16);
  mask.writeUInt32BE(STUN_MAGIC_COOKIE, 0);
  txid.copy(mask, 4);
  const value = Buffer.alloc(4 + ip.length);
  value[1] = ip.length === 4 ? 0x01 : 0x02;
  value.writeUInt16BE(port ^ (STUN_MAGIC_COOKIE >>> 16), 2);
  for (let i = 0; i < ip.length; i++) value[4 + i] = ip[i] ^ mask[i];
  const out = Buffer.alloc(HEADER + 4 + value.length);
  out.writeUInt16BE(BINDING_SUCCESS, 0);
  out.writeUInt16BE(4 + value.length, 2);
  out.writeUInt32BE(STUN_MAGIC_COOKIE, 4);
  txid.copy(out, 8);
  out.writeUInt16BE(XOR_MAPPED_ADDRESS, HEADER);
  out.writeUInt16BE(value.length, HEADER + 2);
  value.copy(out, HEADER + 4);
  return out;
}

/** The 4 or 16 bytes of a numeric address, or undefined if it is not one. */
export function addressBytes(address: string): Buffer | undefined {
  if (isIPv4(address)) return Buffer.from(address.split('.').map(Number));
  let text = address.toLowerCase();
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  const v4 = text.slice(lastColon + 1);
  if (v4.includes('.')) {
    // An IPv4-mapped or -compatible tail: the last 32 bits in dotted form.
    if (!isIPv4(v4)) return undefined;
    const [a, b, c, d] = v4.split('.').map(Number);
    tail = [(a << 8) | b, (c << 8) | d];
    text = text.slice(0, lastColon);
    if (text.endsWith(':')) text += ':';
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (s: string): number[] =>
    s === '' ? [] : s.split(':').map((h) => (/^[0-9a-f]{1,4}$/.test(h) ? parseInt(h, 16) : NaN));
  const head = parse(halves[0]);
  const rest = halves.length === 2 ? parse(halves[1]) : [];
  const fill = 8 - tail.length - head.length - rest.length;
  if (fill < 0 || (halves.length === 1 && fill !== 0)) return undefined;
  const groups = [...head, ...new Array<number>(fill).fill(0), ...rest, ...tail];
  if (groups.length !== 8 || groups.some((g) => Number.isNaN(g))) return undefined;
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(g, i * 2));
  return out;
}
