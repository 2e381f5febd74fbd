import { z } from 'zod';
import { stationCode } from './common.ts';

export const searchRequestSchema = z
  .object({
    from: stationCode,
    to: stationCode,
    date: z.iso.date(),
  })
  .strict();
export type SearchRequest = z.infer<typeof searchRequestSchema>;

export interface ClassAvailability {
  classCode: string;
  className: string;
  capacity: number;
  free: number;
  farePaise: number;
}

export interface SearchResult {
  runId: number;
  trainNumber: string;
  trainName: string;
  serviceDate: string;
  from: { seq: number; code: string; name: string; departsAt: string };
  to: { seq: number; code: string; name: string; arrivesAt: string };
  durationMinutes: number;
  classes: ClassAvailability[];
}
