/**
 * SipHash-2-4 with 64-bit output, as pandas uses it to hash strings (`hash_object_array`).
 * @module
 */

const MASK = (1n << 64n) - 1n;

function rotl(x: bigint, b: bigint): bigint {
  return ((x << b) | (x >> (64n - b))) & MASK;
}

/** The unsigned little-endian 64-bit word at `offset` of `bytes` (missing bytes are 0). */
function word(bytes: Uint8Array, offset: number, count = 8): bigint {
  let out = 0n;
  for (let i = count - 1; i >= 0; i--) out = (out << 8n) | BigInt(bytes[offset + i] ?? 0);
  return out;
}

/** SipHash-2-4 of `data` under a 16-byte `key`, as an unsigned 64-bit BigInt. */
export function siphash24(key: Uint8Array, data: Uint8Array): bigint {
  const k0 = word(key, 0);
  const k1 = word(key, 8);
  const v = [k0 ^ 0x736f6d6570736575n, k1 ^ 0x646f72616e646f6dn, k0 ^ 0x6c7967656e657261n, k1 ^ 0x7465646279746573n];
  const round = (): void => {
    v[0] = (v[0]! + v[1]!) & MASK;
    v[1] = rotl(v[1]!, 13n) ^ v[0];
    v[0] = rotl(v[0], 32n);
    v[2] = (v[2]! + v[3]!) & MASK;
    v[3] = rotl(v[3]!, 16n) ^ v[2];
    v[0] = (v[0] + v[3]) & MASK;
    v[3] = rotl(v[3], 21n) ^ v[0];
    v[2] = (v[2] + v[1]) & MASK;
    v[1] = rotl(v[1], 17n) ^ v[2];
    v[2] = rotl(v[2], 32n);
  };
  const compress = (m: bigint): void => {
    v[3]! ^= m;
    round();
    round();
    v[0]! ^= m;
  };
  const whole = data.length - (data.length % 8);
  for (let offset = 0; offset < whole; offset += 8) compress(word(data, offset));
  compress((BigInt(data.length & 0xff) << 56n) | word(data, whole, data.length - whole));
  v[2]! ^= 0xffn;
  for (let i = 0; i < 4; i++) round();
  return v[0]! ^ v[1]! ^ v[2]! ^ v[3]!;
}
