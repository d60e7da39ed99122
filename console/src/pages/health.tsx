import { useEffect, useState } from 'preact/hooks';
import { api, type Schema } from '../api';
import { ErrorNote } from '../components';

type Outbox = Schema<'Outbox'>;
type DetailedHealth = Schema<'DetailedHealth'>;

/** One answer of /health/detailed, and when it came (ms since the epoch). */
interface Reading {
  health: DetailedHealth;
  at: number;
}

/** How often the page asks again. */
const POLL_MS = 5_000;

/** 3 d 4 h, 5 h 2 min, 4 min 10 s, 12 s. */
function duration(seconds: number | null): string {
  if (seconds === null) return '—';
  const s = Math.floor(seconds);
  const [d, h, m] = [Math.floor(s / 86_400), Math.floor((s % 86_400) / 3_600), Math.floor((s % 3_600) / 60)];
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${m} min`;
  if (m > 0) return `${m} min ${s % 60} s`;
  return `${s} s`;
}

/** Per second between two readings; null before the second one, or when the gateway restarted (its counts began again). */
function rates(previous: Reading | null, latest: Reading | null): { requests: number; errors: number } | null {
  if (!previous || !latest) return null;
  const [a, b] = [previous.health.gateway, latest.health.gateway];
  const seconds = (latest.at - previous.at) / 1000;
  if (seconds <= 0 || b.requests_total < a.requests_total || b.errors_total < a.errors_total) return null;
  return { requests: (b.requests_total - a.requests_total) / seconds, errors: (b.errors_total - a.errors_total) / seconds };
}

function Backlog({ outboxes }: { outboxes: Outbox[] | null }) {
  if (outboxes === null) return <>—</>;
  if (outboxes.length === 0) return <>none</>;
  return (
    <>
      {outboxes.map((o) => (
        <div key={o.name}>
          <code>{o.name}</code>: {o.depth}
          {o.depth > 0 && ` (oldest ${duration(o.oldest_age_seconds)})`}
        </div>
      ))}
    </>
  );
}

/** The gateway's request and 5xx rates and each dependency's health, asked for every 5 s. */
export function HealthPage() {
  const [[previous, latest], setReadings] = useState<[Reading | null, Reading | null]>([null, null]);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let alive = true;
    let inFlight = false;
    const poll = async () => {
      if (inFlight) return;
      inFlight = true;
      try {
        const health = await api<DetailedHealth>('GET', '/health/detailed');
        if (!alive) return;
        const reading = { health, at: Date.now() };
        setReadings(([, last]) => [last, reading]);
        setError(null);
      } catch (err) {
        if (alive) setError(err);
      } finally {
        inFlight = false;
      }
    };
    void poll();
    const timer = setInterval(() => void poll(), POLL_MS);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, []);

  const rate = rates(previous, latest);
  const health = latest?.health;
  const checkedAt = latest && new Date(latest.at).toLocaleTimeString();
  return (
    <main>
      <h1>Health</h1>
      <ErrorNote error={error} />
      {!health && !error && <p class="loading">Loading…</p>}
      {health && (
        <>
          <div class="tiles">
            <section class="tile" aria-labelledby="h-status">
              <h2 id="h-status">Status</h2>
              <p class="figure" data-testid="overall-status">
                {health.status}
              </p>
              <p>
                Gateway {health.gateway.version}, up {duration(health.gateway.uptime_seconds)}
              </p>
            </section>
            <section class="tile" aria-labelledby="h-requests">
              <h2 id="h-requests">Requests per second</h2>
              <p class="figure" data-testid="request-rate">
                {rate ? rate.requests.toFixed(2) : '—'}
              </p>
              <p>{health.gateway.requests_total} since the gateway started</p>
            </section>
            <section class="tile" aria-labelledby="h-errors">
              <h2 id="h-errors">5xx per second</h2>
              <p class="figure" data-testid="error-rate">
                {rate ? rate.errors.toFixed(2) : '—'}
              </p>
              <p>{health.gateway.errors_total} since the gateway started</p>
            </section>
          </div>
          {!rate && <p class="empty">The rates show from the next reading on (every {POLL_MS / 1000} s).</p>}
          <section aria-labelledby="h-dependencies">
            <h2 id="h-dependencies">Dependencies</h2>
            <table>
              <thead>
                <tr>
                  {['Name', 'Status', 'Latency', 'Version', 'Uptime', 'Outbox backlog'].map((c) => (
                    <th key={c} scope="col">
                      {c}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {health.dependencies.map((d) => (
                  <tr key={d.name} data-dependency={d.name}>
                    <th scope="row">{d.name}</th>
                    <td data-testid="status" class={d.status === 'down' ? 'error' : undefined}>
                      {d.status}
                      {d.error && `: ${d.error}`}
                    </td>
                    <td data-testid="latency">{d.latency_ms} ms</td>
                    <td>{d.version ?? '—'}</td>
                    <td>{duration(d.uptime_seconds)}</td>
                    <td>
                      <Backlog outboxes={d.outboxes} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <p class="empty">
            Checked at {checkedAt}; asked again every {POLL_MS / 1000} s.
          </p>
        </>
      )}
    </main>
  );
}
