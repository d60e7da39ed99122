const usd = new Intl.NumberFormat(undefined, { style: 'currency', currency: 'USD', maximumFractionDigits: 4 });
/** Below a cent (an agent's few calls) the figure shows its micro-dollars rather than $0.00. */
const smallUsd = new Intl.NumberFormat(undefined, { style: 'currency', currency: 'USD', maximumFractionDigits: 6 });
const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export const money = (n: number): string => (n !== 0 && Math.abs(n) < 0.01 ? smallUsd : usd).format(n);
/** In the browser's time zone. */
export const time = (iso: string | null): string => (iso ? when.format(new Date(iso)) : '—');
