import { expect, test } from "@playwright/test";

const TOKEN = "hikaku-e2e-metrics-token";

test("/metrics through the app server: Bearer token required, requests counted by route pattern with no slug or query", async ({
  request,
}) => {
  expect((await request.get("/metrics")).status()).toBe(401);
  expect((await request.get("/metrics", { headers: { authorization: "Bearer not-the-token-at-all" } })).status()).toBe(401);
  await request.get("/api/health");
  await request.get("/sign-in?callbackUrl=%2Fcampaigns%2Fsecret-slug");
  const hidden = await request.get("/campaigns/secret-slug-e2e/judges", { maxRedirects: 0 });
  const response = await request.get("/metrics", { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(response.status()).toBe(200);
  const text = await response.text();
  expect(text).toMatch(/hikaku_http_requests_total\{route="\/api\/health",status="200"\} [1-9]/);
  expect(text).toMatch(/hikaku_http_requests_total\{route="\/sign-in",status="200"\} [1-9]/);
  expect(text).toContain(`hikaku_http_requests_total{route="/campaigns/[slug]/judges",status="${hidden.status()}"}`);
  expect(text).toMatch(/hikaku_http_request_duration_seconds_count\{route="\/api\/health"\} [1-9]/);
  expect(text).not.toContain("secret-slug");
  expect(text).toContain("# TYPE hikaku_worker_jobs gauge");
});

test("every response carries a request id; one a client sends is not taken unless a trusted proxy sent it", async ({ request }) => {
  const first = await request.get("/api/health");
  const id = first.headers()["x-request-id"];
  expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  const second = await request.get("/sign-in", { headers: { "x-request-id": "client-chosen-id-123" } });
  expect(second.headers()["x-request-id"]).not.toBe("client-chosen-id-123");
  expect(second.headers()["x-request-id"]).not.toBe(id);
});
