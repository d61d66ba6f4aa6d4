/** A moment in the reader's own locale and time zone (the browser's), e.g. "7 Dec 2026, 17:13 CET". */
export function formatLocalTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(date) + zoneOf(date);
}

/** The short name of the reader's time zone at that moment (" CET"), so a shared screenshot stays clear. */
export function zoneOf(date: Date): string {
  const zone = new Intl.DateTimeFormat(undefined, { timeZoneName: 'short' })
    .formatToParts(date)
    .find((part) => part.type === 'timeZoneName');
  return zone ? ` ${zone.value}` : '';
}

/** Rewrites every `<time datetime>` of the static page in the reader's locale and time zone. */
export function localizeTimes(root: ParentNode): void {
  for (const element of Array.from(root.querySelectorAll('time[datetime]'))) {
    element.textContent = formatLocalTime(element.getAttribute('datetime') ?? '');
  }
}
