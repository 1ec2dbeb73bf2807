import { useEffect, useState } from 'react';
import { m } from '../app/messages';

const { d: D, h: H, min: MIN, s: S } = m.time.units;

/** A duration for a deadline: "1 d 4 h", "3 h 12 min", "12 min 05 s", "45 s" (two units at most). */
export function formatDuration(ms: number): string {
  const total = Math.floor(Math.abs(ms) / 1000);
  const days = Math.floor(total / 86400);
  const hours = Math.floor((total % 86400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (days > 0) return hours > 0 ? `${days} ${D} ${hours} ${H}` : `${days} ${D}`;
  if (hours > 0) return minutes > 0 ? `${hours} ${H} ${minutes} ${MIN}` : `${hours} ${H}`;
  if (minutes > 0) return `${minutes} ${MIN} ${String(seconds).padStart(2, '0')} ${S}`;
  return `${seconds} ${S}`;
}

/** When a stage that started at startedAt is due: null when it has no deadline (SLA 0). */
export function deadlineOf(startedAt: string, slaSeconds: number): Date | null {
  if (slaSeconds <= 0) return null;
  return new Date(new Date(startedAt).getTime() + slaSeconds * 1000);
}

export type Countdown = { text: string; overdue: boolean; urgent: boolean };

/** What a reviewer reads next to a deadline: "Due in 3 h 12 min", "Overdue by 5 min". */
export function countdown(deadline: Date | null, now: number): Countdown {
  if (!deadline) return { text: m.review.noDeadline, overdue: false, urgent: false };
  const left = deadline.getTime() - now;
  if (left <= 0) return { text: m.review.overdue(formatDuration(left)), overdue: true, urgent: true };
  return { text: m.review.dueIn(formatDuration(left)), overdue: false, urgent: left < 2 * 3600 * 1000 };
}

/** The current time, updated every intervalMs (a live countdown). */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(t);
  }, [intervalMs]);
  return now;
}
