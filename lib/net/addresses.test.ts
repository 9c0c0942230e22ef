import { describe, expect, it } from "vitest";
import { allowedByRule, destinationRefusal, parseAllowedHosts, specialAddressKind, urlShapeProblem } from "./addresses";

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

  it("is empty when unset, and refuses an entry it cannot read", () => {
    expect(parseAllowedHosts(undefined)).toEqual([]);
    expect(parseAllowedHosts(" , ")).toEqual([]);
    expect(() => parseAllowedHosts("10.0.0.0/33")).toThrow(/not a CIDR range/);
    expect(() => parseAllowedHosts("gpu:port")).toThrow(/no valid port/);
    expect(() => parseAllowedHosts("http://gpu/")).toThrow(/is a URL: give its host/);
    expect(() => parseAllowedHosts("gpu box")).toThrow(/not a host name/);
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
