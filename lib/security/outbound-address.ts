import dns from 'node:dns';
import net from 'node:net';

/**
 * Where this server may connect when it fetches something a partner named (an image URL, a
 * callback URL): the name is resolved once, every address must be public unless the operator
 * listed it in CLOUDAUTH_FETCH_PRIVATE_NETWORKS, and the connection then goes to exactly that
 * address (no second lookup that a short-TTL DNS record could answer differently).
 */

/** Loopback, private, link-local, CGNAT, multicast, reserved: never reached unless listed. */
const NON_PUBLIC = (() => {
  const b = new net.BlockList();
  for (const [a, p] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4]] as const) b.addSubnet(a, p, 'ipv4');
  for (const [a, p] of [['::', 128], ['::1', 128], ['::ffff:0:0', 96], ['64:ff9b::', 96], ['100::', 64], ['2001:db8::', 32], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) b.addSubnet(a, p, 'ipv6');
  return b;
})();

const privateAllowCache = new Map<string, net.BlockList>();

/** CIDRs (or single addresses) from CLOUDAUTH_FETCH_PRIVATE_NETWORKS as a BlockList used as an allow-list. */
function privateAllowList(entries: readonly string[]): net.BlockList {
  const key = entries.join(',');
  let b = privateAllowCache.get(key);
  if (b) return b;
  b = new net.BlockList();
  for (const e of entries) {
    const [addr, bits] = e.split('/');
    const family: net.IPVersion = net.isIPv6(addr ?? '') ? 'ipv6' : 'ipv4';
    if (!addr || !net.isIP(addr)) continue;
    b.addSubnet(addr, bits === undefined ? (family === 'ipv6' ? 128 : 32) : Number(bits), family);
  }
  privateAllowCache.set(key, b);
  return b;
}

export function isReachableAddress(address: string, family: number, privateNetworks: readonly string[]): boolean {
  const fam: net.IPVersion = family === 6 ? 'ipv6' : 'ipv4';
  // An IPv4-mapped IPv6 address is judged as the IPv4 address it carries.
  const mapped = fam === 'ipv6' ? /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1] : undefined;
  const a = mapped ?? address;
  const f: net.IPVersion = mapped ? 'ipv4' : fam;
  if (!NON_PUBLIC.check(a, f)) return true;
  return privateAllowList(privateNetworks).check(a, f);
}

export type ResolvedHost = { ok: true; pinned: dns.LookupAddress; lookup: net.LookupFunction } | { ok: false; why: 'unresolvable' | 'private' };

/** Resolves `host` once; refuses when any answer is non-public and not listed; pins the first answer. */
export async function resolveOutboundHost(host: string, privateNetworks: readonly string[]): Promise<ResolvedHost> {
  let addresses: dns.LookupAddress[];
  try {
    addresses = await dns.promises.lookup(host, { all: true, verbatim: true });
  } catch {
    return { ok: false, why: 'unresolvable' };
  }
  if (addresses.length === 0) return { ok: false, why: 'unresolvable' };
  if (!addresses.every((a) => isReachableAddress(a.address, a.family, privateNetworks))) return { ok: false, why: 'private' };
  const pinned = addresses[0]!;
  const lookup: net.LookupFunction = (_h, o, cb) => {
    if ((o as dns.LookupAllOptions).all) (cb as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, [pinned]);
    else cb(null, pinned.address, pinned.family);
  };
  return { ok: true, pinned, lookup };
}

/** The host of a URL as the allow-lists compare it (lower case, IPv6 without brackets). */
export const urlHost = (u: URL) => u.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
