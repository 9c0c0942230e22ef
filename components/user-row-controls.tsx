"use client";

import { useActionState } from "react";
import { changeRoleAction, setUserDisabledAction, type UserActionState } from "@/lib/users/actions";
import { ROLES } from "@/lib/auth/roles";
import type { Role } from "@/lib/generated/prisma/enums";
import { useI18n } from "./i18n-provider";

/** Role picker and enable/disable switch for one user; errors (e.g. last admin) show inline. */
export function UserRowControls({ userId, role, disabled, isSelf }: { userId: string; role: Role; disabled: boolean; isSelf: boolean }) {
  const { t } = useI18n();
  const [roleState, roleAction, rolePending] = useActionState<UserActionState, FormData>(changeRoleAction, { status: "idle" });
  const [disableState, disableAction, disablePending] = useActionState<UserActionState, FormData>(setUserDisabledAction, {
    status: "idle",
  });
  const error = roleState.status === "error" ? roleState.code : disableState.status === "error" ? disableState.code : null;
  return (
    <div className="flex flex-wrap items-center gap-2">
      <form action={roleAction} className="flex items-center gap-1">
        <input type="hidden" name="userId" value={userId} />
        <select
          name="role"
          defaultValue={role}
          aria-label={t("users.role")}
          disabled={isSelf}
          className="rounded border border-slate-300 px-2 py-1"
        >
          {ROLES.map((option) => (
            <option key={option} value={option}>
              {t(`roles.${option}`)}
            </option>
          ))}
        </select>
        <button type="submit" className="btn-secondary px-2 py-1" disabled={isSelf || rolePending}>
          {t("users.changeRole")}
        </button>
      </form>
      <form action={disableAction}>
        <input type="hidden" name="userId" value={userId} />
        <input type="hidden" name="disabled" value={String(!disabled)} />
        <button type="submit" className="btn-secondary px-2 py-1" disabled={isSelf || disablePending}>
          {disabled ? t("users.enable") : t("users.disable")}
        </button>
      </form>
      {error && (
        <span role="alert" className="text-xs text-red-700">
          {t(`users.errors.${error}`)}
        </span>
      )}
    </div>
  );
}
