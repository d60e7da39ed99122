import type { DeadLetter, DeliveryRecord, WebhookEndpoint, WebhookProgress } from './webhook.js';

/** What webhooks need from storage; implemented over MongoDB in src/store. */
export interface WebhookRepository {
  /** Stores a new endpoint, its signing secret sealed. */
  insert(endpoint: WebhookEndpoint): Promise<void>;
  /**
   * Seals with the active key the secrets of endpoints stored as they were by an earlier version, or sealed with
   * another key (at start-up: how a key rotation reaches every endpoint); how many it sealed.
   */
  reseal(): Promise<number>;
  /** Every endpoint (at most MAX_WEBHOOKS), oldest first. */
  all(): Promise<WebhookEndpoint[]>;
  count(): Promise<number>;
  findById(id: string): Promise<WebhookEndpoint | null>;
  /** Replaces what an admin may change; false when the endpoint is gone. */
  update(id: string, changes: Pick<WebhookEndpoint, 'url' | 'events' | 'enabled' | 'description' | 'updated_at'>): Promise<boolean>;
  /** Removes the endpoint with its progress, its dead letters and its delivery log. */
  remove(id: string): Promise<boolean>;

  progress(id: string): Promise<WebhookProgress | null>;
  saveProgress(p: WebhookProgress): Promise<void>;

  /** Appends to the endpoint's delivery log (numbered 1, 2, 3, …, taken by unique inserts); returns the entry's number. */
  logDelivery(d: DeliveryRecord): Promise<number>;
  /** The number of the endpoint's last delivery log entry (0: none). */
  lastDelivery(webhookId: string): Promise<number>;
  /** Entries numbered from..to of the endpoint's delivery log, in order. */
  deliveries(webhookId: string, from: number, to: number): Promise<DeliveryRecord[]>;

  addDeadLetter(d: DeadLetter): Promise<void>;
  deadLetters(webhookId: string): Promise<DeadLetter[]>;
  removeDeadLetter(webhookId: string, eventId: string): Promise<void>;
}
