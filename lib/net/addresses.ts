import { isIP } from "node:net";

/**
 * Which network addresses an outgoing call may reach. A model endpoint is a URL a researcher
 * types, so without a rule it could point the server at itself, its database, a cloud metadata
 * service or anything else on the private network (SSRF). Special-purpose ranges are refused
 * unless the operator allows a host, a host:port or a range in HIKAKU_ALLOWED_MODEL_HOSTS.
 */

/** 4 bytes (IPv4) or 16 (IPv6) of an address in text form; null when it is none. */
export function addressBytes(address: string): number[] | null {
  const text = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  const version = isIP(text);
  if (version === 4) return text.split(".").map(Number);
  if (version !== 6) return null;
  // A trailing dotted quad ("::ffff:127.0.0.1") is the last two groups.
  const body = text.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_, a, b, c, d) =>
    [Number(a) * 256 + Number(b), Number(c) * 256 + Number(d)].map((n) => n.toString(16)).join(":"),
  );
  const [head, rest] = body.includes("::") ? body.split("::") : [body, null];
  const groups = (part: string) => (part ? part.split(":").map((g) => parseInt(g, 16)) : []);
  const front = groups(head);
  const back = rest === null ? [] : groups(rest);
  const words = rest === null ? front : [...front, ...Array<number>(8 - front.length - back.length).fill(0), ...back];
  const bytes = words.flatMap((word) => [word >> 8, word & 0xff]);
  return bytes.length === 16 ? bytes : null;
}

interface Range {
  bytes: number[];
  prefix: number;
}

function inRange(bytes: number[], range: Range): boolean {
  if (bytes.length !== range.bytes.length) return false;
  for (let bit = 0; bit < range.prefix; bit++) {
    const mask = 0x80 >> (bit % 8);
    if ((bytes[bit >> 3] & mask) !== (range.bytes[bit >> 3] & mask)) return false;
  }
  return true;
}

function range(cidr: string): Range {
  const [address, prefix] = cidr.split("/");
  return { bytes: addressBytes(address)!, prefix: Number(prefix) };
}

/** Ranges no outgoing call reaches unless allowed, each with the word a refusal uses for it. */
const SPECIAL_RANGES: [string, Range][] = [
  ["unspecified", range("0.0.0.0/8")],
  ["private", range("10.0.0.0/8")],
  ["shared (carrier-grade NAT)", range("100.64.0.0/10")],
  ["loopback", range("127.0.0.0/8")],
  ["link-local (cloud metadata)", range("169.254.0.0/16")],
  ["private", range("172.16.0.0/12")],
  ["reserved", range("192.0.0.0/24")],
  ["private", range("192.168.0.0/16")],
  ["reserved", range("198.18.0.0/15")],
  ["multicast", range("224.0.0.0/4")],
  ["reserved", range("240.0.0.0/4")],
  ["unspecified", range("::/128")],
  ["loopback", range("::1/128")],
  ["unique-local", range("fc00::/7")],
  ["link-local", range("fe80::/10")],
  ["multicast", range("ff00::/8")],
];

/** IPv6 forms that carry an IPv4 address (mapped, compatible, NAT64, 6to4): the IPv4 address decides. */
function embeddedIpv4(bytes: number[]): number[] | null {
  if (bytes.length !== 16) return null;
  const zeros = (from: number, to: number) => bytes.slice(from, to).every((b) => b === 0);
  if (zeros(0, 10) && bytes[10] === 0xff && bytes[11] === 0xff) return bytes.slice(12);
  if (zeros(0, 12) && !zeros(12, 16)) return bytes.slice(12);
  if (inRange(bytes, range("64:ff9b::/96"))) return bytes.slice(12);
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return bytes.slice(2, 6);
  return null;
}

/** Why an address is off limits (its kind: "loopback", "private", …), or null for a public one. */
export function specialAddressKind(address: string): string | null {
  const bytes = addressBytes(address);
  if (!bytes) return "not an IP address";
  const direct = SPECIAL_RANGES.find(([, r]) => inRange(bytes, r))?.[0];
  if (direct) return direct;
  const v4 = embeddedIpv4(bytes);
  return v4 ? specialAddressKind(v4.join(".")) : null;
}

/** One entry of HIKAKU_ALLOWED_MODEL_HOSTS. */
export type AllowRule = { kind: "host"; host: string; port: number | null } | { kind: "range"; range: Range };

/**
 * HIKAKU_ALLOWED_MODEL_HOSTS: comma-separated `host`, `host:port` (`[v6]:port` for IPv6) or
 * CIDR ranges. An IP address given as a host is a range of one address. Throws on an entry it
 * cannot read, so a typo fails at start rather than leaving a host unreachable.
 */
export function parseAllowedHosts(value: string | undefined): AllowRule[] {
  return (value ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry): AllowRule => {
      if (entry.includes("://")) throw new Error(`"${entry}" is a URL: give its host (host, host:port or a CIDR range)`);
      if (entry.includes("/")) {
        const [address, prefix] = entry.split("/");
        const bytes = addressBytes(address);
        const bits = Number(prefix);
        if (!bytes || !/^\d{1,3}$/.test(prefix) || bits > bytes.length * 8) throw new Error(`"${entry}" is not a CIDR range`);
        return { kind: "range", range: { bytes, prefix: bits } };
      }
      const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
      const [host, port] = bracketed
        ? [bracketed[1], bracketed[2]]
        : isIP(entry) === 6
          ? [entry, undefined]
          : (entry.split(":") as [string, string | undefined]);
      if (port !== undefined && !/^\d{1,5}$/.test(port)) throw new Error(`"${entry}" has no valid port`);
      if (!/^[a-z0-9.:_-]+$/i.test(host)) throw new Error(`"${entry}" is not a host name, host:port or CIDR range`);
      const portNumber = port === undefined ? null : Number(port);
      if (isIP(host) && portNumber === null) {
        const bytes = addressBytes(host)!;
        return { kind: "range", range: { bytes, prefix: bytes.length * 8 } };
      }
      return { kind: "host", host: host.toLowerCase(), port: portNumber };
    });
}

export interface Destination {
  /** The URL's host name as written (without IPv6 brackets). */
  host: string;
  port: number;
  /** The address the connection goes to. */
  address: string;
}

/** Whether the operator allowed this destination (by its name, its name and port, or its address). */
export function allowedByRule(rules: AllowRule[], destination: Destination): boolean {
  const host = destination.host.replace(/^\[|\]$/g, "").toLowerCase();
  const bytes = addressBytes(destination.address);
  return rules.some((rule) => {
    if (rule.kind === "range") return bytes !== null && inRange(bytes, rule.range);
    const hostMatches = rule.host === host || (isIP(rule.host) > 0 && sameAddress(rule.host, destination.address));
    return hostMatches && (rule.port === null || rule.port === destination.port);
  });
}

function sameAddress(a: string, b: string): boolean {
  const x = addressBytes(a);
  const y = addressBytes(b);
  return x !== null && y !== null && x.length === y.length && x.every((byte, i) => byte === y[i]);
}

/** Why a connection to `destination` is refused, or null when it may go ahead. */
export function destinationRefusal(rules: AllowRule[], destination: Destination): string | null {
  const kind = specialAddressKind(destination.address);
  if (kind === null || allowedByRule(rules, destination)) return null;
  const shown = destination.host === destination.address ? destination.address : `${destination.host} (${destination.address})`;
  const article = /^[aeiou]/.test(kind) ? "an" : "a";
  return `${shown} is ${article} ${kind} address; the operator can allow it with HIKAKU_ALLOWED_MODEL_HOSTS`;
}

/** What is wrong with a URL as a base URL for outgoing calls, or null. */
export function urlShapeProblem(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "is not a URL";
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return "must be an http:// or https:// URL";
  if (url.includes("?") || url.includes("#")) return "may not contain ? or #: give the base URL only (such as https://host/v1)";
  if (parsed.username || parsed.password) return "may not contain a user name or password: give an API key in its own field";
  return null;
}

/** A URL as it may be shown: a user name or password in it (stored before they were refused) is replaced by `***`. */
export function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) return url;
    parsed.username = "***";
    parsed.password = "";
    return parsed.toString();
  } catch {
    return url.replace(/\/\/[^/@]*@/, "//***@");
  }
}
