/**
 * The key a client's failed authentications are counted under: its address from CF-Connecting-IP (set by Cloudflare's
 * edge, which overwrites whatever the client sent). IPv6 by its /64, which one subscriber usually holds whole: counting
 * single addresses would let them rotate through 2^64 of them. No header (wrangler dev, tests): 'unknown'.
 */
export function clientAddressKey(headers: Headers): string {
  const address = headers.get("cf-connecting-ip")?.trim().toLowerCase();
  if (!address) return "unknown";
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(address);
  if (mapped) return `ip4:${mapped[1]}`;
  if (!address.includes(":")) return `ip4:${address.slice(0, 15)}`;
  const prefix = ipv6Prefix64(address);
  return prefix ? `ip6:${prefix}::/64` : `ip6:${address.slice(0, 45)}`;
}

/** The first four groups of an IPv6 address, without leading zeros ("2001:db8:0:1"), or null when it is not one. */
function ipv6Prefix64(address: string): string | null {
  const halves = address.split("::");
  if (halves.length > 2) return null;
  const groups = (part: string | undefined) => (part ? part.split(":") : []);
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  if (!all.slice(0, 4).every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null;
  return all
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ""))
    .join(":");
}
