/** The choices of the Set expiry dialog: none, a number of days from now, or a date. */
export const EXPIRY_CHOICES = [
  { value: 'none', label: 'No expiry' },
  { value: '30', label: 'In 30 days' },
  { value: '90', label: 'In 90 days' },
  { value: '365', label: 'In 365 days' },
  { value: 'date', label: 'On a date' },
] as const;

/**
 * The instant a choice means, in the admin's own time zone (a date ends at its local midnight):
 * null for no expiry, undefined when a date is asked for but `date` is not one (YYYY-MM-DD).
 */
export function expiryFrom(choice: string, date: string, now = Date.now()): string | null | undefined {
  if (choice === 'none') return null;
  if (choice === 'date') {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return undefined;
    const [y, m, d] = date.split('-').map(Number) as [number, number, number];
    return new Date(y, m - 1, d + 1).toISOString();
  }
  return new Date(now + Number(choice) * 86_400_000).toISOString();
}
