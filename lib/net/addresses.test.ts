import { describe, expect, it } from "vitest";
import {
  addressBytes,
  allowedByRule,
  destinationRefusal,
  parseAllowedHosts,
  specialAddressKind,
  urlShapeProblem,
  withoutCredentials,
} from "./addresses";

describe("specialAddressKind", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["127.255.0.9", "loopback"],
    ["::1", "loopback"],
    ["[::1]", "loopback"],
    ["0.0.0.0", "unspecified"],
    ["::", "unspecified"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["169.254.169.254", "link-local (cloud metadata)"],
    ["100.100.100.200", "shared (carrier-grade NAT)"],
    ["fd00:ec2::254", "unique-local"],
    ["fc00::1", "unique-local"],
    ["fe80::1%eth0", "link-local"],
    ["ff02::1", "multicast"],
    ["224.0.0.1", "multicast"],
    ["255.255.255.255", "reserved"],
    // IPv6 forms that carry an IPv4 address are judged by that address.
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["::ffff:a9fe:a9fe", "link-local (cloud metadata)"],
    ["64:ff9b::a00:1", "private"],
    ["2002:c0a8:101::", "private"],
  ])("%s is %s", (address, kind) => {
    expect(specialAddressKind(address)).toBe(kind);
  });

  it.each([
    ["0.255.255.255", "unspecified"],
    ["100.64.0.0", "shared (carrier-grade NAT)"],
    ["100.127.255.255", "shared (carrier-grade NAT)"],
    ["169.254.0.1", "link-local (cloud metadata)"],
    ["192.0.0.8", "reserved"],
    ["198.18.0.1", "reserved"],
    ["198.19.255.255", "reserved"],
    ["239.255.255.250", "multicast"],
    ["240.0.0.1", "reserved"],
    ["fdff:ffff::1", "unique-local"],
    ["febf::1", "link-local"],
    ["ff05::2", "multicast"],
    // IPv4 inside IPv6, every form: mapped (hex and dotted), IPv4-compatible, NAT64, 6to4.
    ["::ffff:10.1.2.3", "private"],
    ["::ffff:0a01:0203", "private"],
    ["::127.0.0.1", "loopback"],
    ["64:ff9b::127.0.0.1", "loopback"],
    ["2002:a9fe:a9fe::1", "link-local (cloud metadata)"],
    ["1:2:3:4:5:6:7:8", null],
    ["2001:db8::ffff:1.2.3.4", null],
  ])("%s is %s (every range, every form)", (address, kind) => {
    expect(specialAddressKind(address)).toBe(kind);
  });

  it("says what is no IP address", () => {
    for (const text of ["gpu-box", "1.2.3", "::g", "256.1.1.1", ""]) expect(specialAddressKind(text)).toBe("not an IP address");
    expect(addressBytes("[fe80::1%eth0]")).toEqual([0xfe, 0x80, ...Array(13).fill(0), 1]);
    expect(addressBytes("::ffff:1.2.3.4")).toEqual([...Array(10).fill(0), 0xff, 0xff, 1, 2, 3, 4]);
    expect(addressBytes("1:2:3:4:5:6:7:8")).toEqual([0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8]);
    expect(addressBytes("10.20.30.40")).toEqual([10, 20, 30, 40]);
    expect(addressBytes("nope")).toBeNull();
  });

  it.each(["8.8.8.8", "172.32.0.1", "172.15.255.255", "192.169.0.1", "2001:4860:4860::8888", "::ffff:8.8.8.8", "1.1.1.1"])(
    "%s is public",
    (address) => {
      expect(specialAddressKind(address)).toBeNull();
    },
  );
});

describe("HIKAKU_ALLOWED_MODEL_HOSTS", () => {
  const rules = parseAllowedHosts(" gpu1.lan , gpu2:8000, 10.0.0.0/8, 127.0.0.1, [::1]:9000, fd00::/8 ");

  it("allows a host by name (any port), by name and port, or by address range", () => {
    expect(allowedByRule(rules, { host: "GPU1.lan", port: 443, address: "192.168.0.5" })).toBe(true);
    expect(allowedByRule(rules, { host: "gpu2", port: 8000, address: "192.168.0.6" })).toBe(true);
    expect(allowedByRule(rules, { host: "gpu2", port: 8001, address: "192.168.0.6" })).toBe(false);
    expect(allowedByRule(rules, { host: "anything", port: 80, address: "10.200.3.4" })).toBe(true);
    expect(allowedByRule(rules, { host: "localhost", port: 3000, address: "127.0.0.1" })).toBe(true);
    expect(allowedByRule(rules, { host: "::1", port: 9000, address: "::1" })).toBe(true);
    expect(allowedByRule(rules, { host: "::1", port: 9001, address: "::1" })).toBe(false);
    expect(allowedByRule(rules, { host: "gpu3", port: 80, address: "fd12::1" })).toBe(true);
    // One address is not its neighbours, nor another name's.
    expect(allowedByRule(rules, { host: "127.0.0.2", port: 80, address: "127.0.0.2" })).toBe(false);
    expect(allowedByRule(rules, { host: "gpu1.lan.evil.example", port: 80, address: "192.168.0.5" })).toBe(false);
  });

  it("reads IPv6 entries bare, bracketed, with a port and as ranges, and an IP address as that address on every port", () => {
    const v6 = parseAllowedHosts("fd00::5, [fd00::6], [fd00::7]:8000, 2001:db8::/32, 10.1.2.3");
    expect(allowedByRule(v6, { host: "x", port: 1, address: "fd00::5" })).toBe(true);
    expect(allowedByRule(v6, { host: "x", port: 2, address: "fd00::6" })).toBe(true);
    expect(allowedByRule(v6, { host: "fd00::7", port: 8000, address: "fd00::7" })).toBe(true);
    expect(allowedByRule(v6, { host: "fd00::7", port: 8001, address: "fd00::7" })).toBe(false);
    expect(allowedByRule(v6, { host: "x", port: 3, address: "2001:db8:ffff::1" })).toBe(true);
    expect(allowedByRule(v6, { host: "x", port: 3, address: "2001:db9::1" })).toBe(false);
    expect(allowedByRule(v6, { host: "gpu", port: 9999, address: "10.1.2.3" })).toBe(true);
    expect(allowedByRule(v6, { host: "gpu", port: 9999, address: "10.1.2.4" })).toBe(false);
    // An address rule with a port holds for that port only, whatever name led there.
    const withPort = parseAllowedHosts("10.1.2.3:8000");
    expect(allowedByRule(withPort, { host: "gpu", port: 8000, address: "10.1.2.3" })).toBe(true);
    expect(allowedByRule(withPort, { host: "gpu", port: 8001, address: "10.1.2.3" })).toBe(false);
    expect(allowedByRule(withPort, { host: "gpu", port: 8000, address: "10.1.2.4" })).toBe(false);
  });

  it("is empty when unset, and refuses an entry it cannot read", () => {
    expect(parseAllowedHosts(undefined)).toEqual([]);
    expect(parseAllowedHosts(" , ")).toEqual([]);
    expect(() => parseAllowedHosts("10.0.0.0/33")).toThrow(/not a CIDR range/);
    expect(() => parseAllowedHosts("gpu:port")).toThrow(/no valid port/);
    expect(() => parseAllowedHosts("http://gpu/")).toThrow(/is a URL: give its host/);
    expect(() => parseAllowedHosts("gpu box")).toThrow(/not a host name/);
    expect(() => parseAllowedHosts("10.0.0.0/8x")).toThrow(/not a CIDR range/);
    expect(() => parseAllowedHosts("x10.0.0.0/8")).toThrow(/not a CIDR range/);
    expect(() => parseAllowedHosts("10.0.0.0/1234")).toThrow(/not a CIDR range/);
    expect(() => parseAllowedHosts("fd00::/129")).toThrow(/not a CIDR range/);
    expect(parseAllowedHosts("fd00::/128")).toHaveLength(1);
    expect(() => parseAllowedHosts("gpu:80x")).toThrow(/no valid port/);
    expect(() => parseAllowedHosts("gpu:x80")).toThrow(/no valid port/);
    expect(() => parseAllowedHosts("gpu:123456")).toThrow(/no valid port/);
    expect(() => parseAllowedHosts("[fd00::1]:8x")).toThrow(/not a host name|no valid port/);
    expect(() => parseAllowedHosts("gpu/box")).toThrow(/not a CIDR range/);
    expect(() => parseAllowedHosts("gpu$")).toThrow(/not a host name/);
  });
});

describe("destinationRefusal", () => {
  it("names the host, the address and its kind, and how to allow it", () => {
    expect(destinationRefusal([], { host: "metadata.internal", port: 80, address: "169.254.169.254" })).toBe(
      "metadata.internal (169.254.169.254) is a link-local (cloud metadata) address; the operator can allow it with HIKAKU_ALLOWED_MODEL_HOSTS",
    );
    expect(destinationRefusal([], { host: "::1", port: 80, address: "::1" })).toMatch(/^::1 is a loopback address/);
    expect(destinationRefusal([], { host: "10.0.0.1", port: 80, address: "10.0.0.1" })).toMatch(/is a private address/);
  });

  it("lets public addresses and allowed ones through", () => {
    expect(destinationRefusal([], { host: "api.example.com", port: 443, address: "93.184.216.34" })).toBeNull();
    expect(destinationRefusal(parseAllowedHosts("gpu"), { host: "gpu", port: 8000, address: "10.0.0.1" })).toBeNull();
  });
});

describe("urlShapeProblem", () => {
  it.each([
    ["http://127.0.0.1:2375/containers/create?name=x#", /\? or #/],
    ["https://api.example.com/v1#", /\? or #/],
    ["https://api.example.com/v1?key=1", /\? or #/],
    ["https://user:secret@api.example.com/v1", /user name or password/],
    ["file:///etc/passwd", /http/],
    ["gopher://x/", /http/],
    ["not a url", /not a URL/],
  ])("refuses %s", (url, problem) => {
    expect(urlShapeProblem(url)).toMatch(problem);
  });

  it("takes a plain base URL", () => {
    expect(urlShapeProblem("https://api.example.com/v1")).toBeNull();
    expect(urlShapeProblem("http://gpu-box:8000/v1/")).toBeNull();
  });
});

describe("withoutCredentials", () => {
  it("hides a user name and password, and leaves other URLs as they are", () => {
    expect(withoutCredentials("https://me:secret@host.example/v1")).toBe("https://***@host.example/v1");
    expect(withoutCredentials("https://token@host.example/v1")).toBe("https://***@host.example/v1");
    expect(withoutCredentials("https://host.example/v1")).toBe("https://host.example/v1");
    expect(withoutCredentials("not a url://me:secret@host/")).toBe("not a url://***@host/");
  });
});
