import type { RunOccupancy } from '@berth/shared';

export interface TrainRow {
  trainNumber: string;
  runId: number;
  classes: RunOccupancy[];
}
export interface DateGroup {
  serviceDate: string;
  trains: TrainRow[];
}

/** Rows (already ordered by date, train, class) folded into date -> train -> classes. */
export function groupOccupancy(rows: RunOccupancy[]): DateGroup[] {
  const groups: DateGroup[] = [];
  for (const row of rows) {
    let group = groups.at(-1);
    if (group?.serviceDate !== row.serviceDate) {
      group = { serviceDate: row.serviceDate, trains: [] };
      groups.push(group);
    }
    let train = group.trains.at(-1);
    if (train?.runId !== row.runId) {
      train = { trainNumber: row.trainNumber, runId: row.runId, classes: [] };
      group.trains.push(train);
    }
    train.classes.push(row);
  }
  return groups;
}

/** 12% (one decimal under 10%, so a single sold seat still shows as more than 0%). */
export function percent(share: number): string {
  const p = share * 100;
  if (p === 0) return '0%';
  return p < 10 ? `${p.toFixed(1)}%` : `${Math.round(p)}%`;
}
