import { describe, expect, it } from "vitest";
import { metricsResponse } from "./endpoint";

describe("without HIKAKU_METRICS_TOKEN", () => {
  it("there is no /metrics: 404, whatever the request carries", async () => {
    delete process.env.HIKAKU_METRICS_TOKEN;
    for (const authorization of [undefined, "Bearer ", "Bearer anything-at-all-here"]) {
      const response = await metricsResponse(
        new Request("http://hikaku.test/metrics", { headers: authorization ? { authorization } : {} }),
      );
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain("hikaku_");
    }
  });
});
