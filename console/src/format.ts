const usd = new Intl.NumberFormat(undefined, { style: 'currency', currency: 'USD', maximumFractionDigits: 4 });
const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export const money = (n: number): string => usd.format(n);
/** In the browser's time zone. */
export const time = (iso: string | null): string => (iso ? when.format(new Date(iso)) : '—');
