"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

/** While `active`, re-renders the page from the server every few seconds (results being recomputed). */
export function AutoRefresh({ active, intervalMs = 2000, message }: { active: boolean; intervalMs?: number; message: string }) {
  const router = useRouter();
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => router.refresh(), intervalMs);
    return () => clearInterval(timer);
  }, [active, intervalMs, router]);
  if (!active) return null;
  return (
    <p role="status" className="flex items-center gap-2 text-sm text-amber-800" data-testid="recomputing">
      <span aria-hidden className="inline-block h-2 w-2 animate-pulse rounded-full bg-amber-500" />
      {message}
    </p>
  );
}
