/** A moment as researchers read it in tables: the locale's medium date and short time, in UTC. */
export function formatUtcDateTime(locale: string, date: Date): string {
  return `${new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }).format(date)} UTC`;
}
