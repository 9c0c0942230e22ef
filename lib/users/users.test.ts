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
    expect(audit?.data).toEqual({ role: "RESEARCHER" });
  });

  it("will not let admins demote or disable themselves", async () => {
    const admin = await createTestUser({ role: "ADMIN" });
    expect(await changeRole(admin.id, admin.id, "ANNOTATOR")).toEqual({ ok: false, code: "SELF" });
    expect(await setDisabled(admin.id, admin.id, true)).toEqual({ ok: false, code: "SELF" });
    expect(await db.user.findUniqueOrThrow({ where: { id: admin.id } })).toMatchObject({ role: "ADMIN", disabled: false });
  });

  it("disables and re-enables a user", async () => {
    const admin = await createTestUser({ role: "ADMIN" });
    const user = await createTestUser();
    expect(await setDisabled(admin.id, user.id, true)).toEqual({ ok: true });
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).disabled).toBe(true);
    expect(await setDisabled(admin.id, user.id, false)).toEqual({ ok: true });
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).disabled).toBe(false);
  });

  it("says NOT_FOUND for a user that does not exist", async () => {
    const admin = await createTestUser({ role: "ADMIN" });
    const missing = "00000000-0000-4000-8000-000000000000";
    expect(await changeRole(admin.id, missing, "RESEARCHER")).toEqual({ ok: false, code: "NOT_FOUND" });
    expect(await setDisabled(admin.id, missing, true)).toEqual({ ok: false, code: "NOT_FOUND" });
  });

  it("keeps the last active admin, even when two admins demote each other at the same moment", async () => {
    // This test file has a database of its own: make these two the only active admins in it.
    await db.user.updateMany({ where: { role: "ADMIN" }, data: { disabled: true } });
    const first = await createTestUser({ role: "ADMIN" });
    const second = await createTestUser({ role: "ADMIN" });
    const results = await Promise.all([changeRole(first.id, second.id, "RESEARCHER"), changeRole(second.id, first.id, "ANNOTATOR")]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.code === "LAST_ADMIN")).toHaveLength(1);
    expect(await db.user.count({ where: { role: "ADMIN", disabled: false } })).toBe(1);
    // Disabling the one that is left is refused too.
    const remaining = await db.user.findFirstOrThrow({ where: { role: "ADMIN", disabled: false } });
    const other = remaining.id === first.id ? second : first;
    await db.user.update({ where: { id: other.id }, data: { role: "ADMIN" } });
    await db.user.update({ where: { id: other.id }, data: { disabled: true } });
    expect(await setDisabled(other.id, remaining.id, true)).toEqual({ ok: false, code: "LAST_ADMIN" });
    expect((await db.user.findUniqueOrThrow({ where: { id: remaining.id } })).disabled).toBe(false);
    // Enabling the last admin again (a second click, say) leaves it an admin: nothing to refuse.
    expect(await setDisabled(other.id, remaining.id, false)).toEqual({ ok: true });
  });

  it("makes a change wait while another admin's change is being checked", async () => {
    const admin = await createTestUser({ role: "ADMIN" });
    const user = await createTestUser();
    let change: Promise<unknown> | undefined;
    // Another change holds the admins' lock (as changeRole does between its count and its update).
    await db.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('hikaku:admins'))`;
      change = changeRole(admin.id, user.id, "RESEARCHER");
      const first = await Promise.race([change.then(() => "changed"), new Promise((resolve) => setTimeout(resolve, 500, "waiting"))]);
      expect(first).toBe("waiting");
    });
    expect(await change).toEqual({ ok: true });
  });
});
