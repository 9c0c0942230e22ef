"use client";

import { useActionState } from "react";
import { revokeTokenAction, type TokenState } from "@/lib/auth/actions";
import type { TokenSummary } from "@/lib/auth/api-tokens";
import { formatUtcDateTime } from "@/lib/i18n/format";
import { ColumnHeads } from "./column-heads";
import { useI18n } from "./i18n-provider";

/** The caller's tokens: name, visible prefix, created, last used, and revoke. */
export function ApiTokenList({ tokens }: { tokens: TokenSummary[] }) {
  const { t, locale } = useI18n();
  if (tokens.length === 0) return <p className="text-sm text-slate-600">{t("tokens.none")}</p>;
  const when = (date: Date | null) => (date ? formatUtcDateTime(locale, date) : t("tokens.never"));
  return (
    <table className="w-full text-sm" data-testid="token-list">
      <ColumnHeads
        compact
        columns={[
          { label: t("tokens.name") },
          { label: t("tokens.prefix") },
          { label: t("tokens.createdAt") },
          { label: t("tokens.lastUsed") },
          { key: "revoke", label: <span className="sr-only">{t("tokens.revoke")}</span> },
        ]}
      />
      <tbody>
        {tokens.map((token) => (
          <tr key={token.id} className="border-t border-slate-100" data-token={token.name}>
            <td className="px-2 py-1">{token.name}</td>
            <td className="px-2 py-1 font-mono">hk_{token.prefix}…</td>
            <td className="px-2 py-1">{when(token.createdAt)}</td>
            <td className="px-2 py-1" data-testid="last-used">
              {when(token.lastUsedAt)}
            </td>
            <td className="px-2 py-1">
              {token.revokedAt ? <span className="text-slate-600">{t("tokens.revoked")}</span> : <RevokeButton id={token.id} />}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function RevokeButton({ id }: { id: string }) {
  const { t } = useI18n();
  const [, action, pending] = useActionState<TokenState, FormData>(revokeTokenAction, { status: "idle" });
  return (
    <form action={action}>
      <input type="hidden" name="tokenId" value={id} />
      <button type="submit" className="btn-secondary px-2 py-1" disabled={pending}>
        {t("tokens.revoke")}
      </button>
    </form>
  );
}
