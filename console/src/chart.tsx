import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { money } from './format';

export interface DaySpend {
  /** UTC day, yyyy-mm-dd. */
  day: string;
  spent_usd: number;
}

const DAY_MS = 86_400_000;

/** The UTC day `n` days before today, as the API names days. */
export const utcDay = (daysAgo = 0): string => new Date(Date.now() - daysAgo * DAY_MS).toISOString().slice(0, 10);

/**
 * Spend per UTC day over the last `days` days, days without spend at 0 (uPlot, drawn on a
 * canvas: nothing inline the CSP would refuse). The figures are also in a table for screen readers.
 */
export function SpendChart({ spend, days, label }: { spend: DaySpend[]; days: number; label: string }) {
  const box = useRef<HTMLDivElement>(null);
  const byDay = new Map(spend.map((s) => [s.day, s.spent_usd]));
  const series = Array.from({ length: days }, (_, i) => utcDay(days - 1 - i));
  useEffect(() => {
    if (!box.current) return;
    const plot = new uPlot(
      {
        width: Math.min(box.current.clientWidth || 640, 900),
        height: 220,
        series: [
          {},
          { label: 'Spent', stroke: '#1f5fbf', fill: 'rgba(31, 95, 191, 0.12)', value: (_u, v) => (v === null ? '—' : money(v)) },
        ],
        axes: [{}, { values: (_u, ticks) => ticks.map((v) => money(v)), size: 70 }],
        scales: { x: { time: true } },
      },
      [series.map((d) => Date.parse(`${d}T00:00:00Z`) / 1000), series.map((d) => byDay.get(d) ?? 0)],
      box.current,
    );
    return () => plot.destroy();
  }, [spend, days]);
  return (
    <figure aria-label={label}>
      <div ref={box} aria-hidden="true" />
      <table class="visually-hidden">
        <caption>{label}</caption>
        <tbody>
          {series.map((d) => (
            <tr key={d}>
              <th scope="row">{d}</th>
              <td>{money(byDay.get(d) ?? 0)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
