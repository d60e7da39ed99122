import { READ_AHEAD, SNAPSHOT_EVERY } from './budget-book.js';
import type { JournalEntry, JournalRepository } from './repositories.js';

/**
 * Moves every agent's entries older than `cutoff` to the archive, except the latest
 * snapshot below the head hint and everything after it (what a cold start replays).
 * For one archiver at a time; repeatable after a crash. Returns how many entries moved.
 */
export async function archiveJournals(journal: JournalRepository, cutoff: Date): Promise<number> {
  let moved = 0;
  for await (const agentId of journal.agentIds()) {
    const [through, hint] = await Promise.all([journal.archivedThrough(agentId), journal.hint(agentId)]);
    const keepFrom = hint - ((hint - 1) % SNAPSHOT_EVERY);
    // One entry first, then more at a time: entries are in time order, so when the first is too
    // young to move, so is every later one — an agent with nothing to archive costs one read.
    for (let seq = through + 1, ahead = 1; seq < keepFrom; ahead = Math.min(ahead * 4, READ_AHEAD * 4)) {
      const seqs = Array.from({ length: Math.min(ahead, keepFrom - seq) }, (_, i) => seq + i);
      const found = await Promise.all(seqs.map((n) => journal.findAnywhere(agentId, n)));
      const old: JournalEntry[] = [];
      for (const entry of found) {
        if (!entry || entry.at.getTime() >= cutoff.getTime()) break;
        old.push(entry);
      }
      await journal.archive(agentId, old);
      moved += old.length;
      if (old.length < seqs.length) break;
      seq += old.length;
    }
  }
  return moved;
}
