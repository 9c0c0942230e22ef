import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createTestUser } from "@/lib/testing/factories";
import { changeRole, setDisabled } from "./users";

describe("user administration", () => {
  it("changes a role and records who did it", async () => {
    const admin = await createTestUser({ role: "ADMIN" });
    const user = await createTestUser({ role: "ANNOTATOR" });
    expect(await changeRole(admin.id, user.id, "RESEARCHER")).toEqual({ ok: true });
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).role).toBe("RESEARCHER");
    const audit = await db.auditEvent.findFirst({ where: { subjectId: user.id, action: "user.role_changed" } });
    expect(audit?.actorId).toBe(admin.id);
  });

  it("will not let admins demote or disable themselves", async () => {
    const admin = await createTestUser({ role: "ADMIN" });
    expect(await changeRole(admin.id, admin.id, "ANNOTATOR")).toEqual({ ok: false, code: "SELF" });
    expect(await setDisabled(admin.id, admin.id, true)).toEqual({ ok: false, code: "SELF" });
  });

  it("disables and re-enables a user", async () => {
    const admin = await createTestUser({ role: "ADMIN" });
    const user = await createTestUser();
    expect(await setDisabled(admin.id, user.id, true)).toEqual({ ok: true });
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).disabled).toBe(true);
    expect(await setDisabled(admin.id, user.id, false)).toEqual({ ok: true });
  });
});
