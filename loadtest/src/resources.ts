import {
  readCpuMs,
  readMachineBusyMs,
  readRssKb,
  readTreeCpuMs,
} from '@berth/server/src/cluster/proc.ts';

export interface Watched {
  name: string;
  pid: number;
  /** Count the process's children too (PostgreSQL's backends). */
  tree?: boolean;
}

interface Sample {
  at: number;
  cpuMs: number[];
  rssKb: number[];
  machineMs: number;
}

export interface Usage {
  name: string;
  /** Percent of one core over the window (200% is both of two cores). */
  cpuPercent: number;
  peakRssMb: number;
}

/**
 * Samples CPU time and resident memory of the nodes, PostgreSQL, Redis, the balancer and the load
 * generator (from /proc) every `everyMs`, so usage can be read for any window afterwards.
 */
export class ResourceSampler {
  private readonly samples: Sample[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly watched: Watched[]) {}

  start(everyMs = 1000) {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
  }

  stop() {
    clearInterval(this.timer);
    this.sample();
  }

  private sample() {
    this.samples.push({
      at: Date.now(),
      cpuMs: this.watched.map((w) => (w.tree ? readTreeCpuMs(w.pid) : readCpuMs(w.pid))),
      rssKb: this.watched.map((w) => readRssKb(w.pid)),
      machineMs: readMachineBusyMs(),
    });
  }

  /** Average CPU and peak memory of each process between two instants (nearest samples). */
  usage(from: number, to: number): { processes: Usage[]; machinePercent: number; seconds: number } {
    const inside = this.samples.filter((s) => s.at >= from && s.at <= to);
    const a = inside[0] ?? this.samples[0];
    const b = inside[inside.length - 1] ?? this.samples[this.samples.length - 1];
    if (!a || !b || b.at <= a.at) return { processes: [], machinePercent: NaN, seconds: 0 };
    const wall = b.at - a.at;
    const processes = this.watched.map((w, i) => ({
      name: w.name,
      cpuPercent: (100 * Math.max(0, b.cpuMs[i]! - a.cpuMs[i]!)) / wall,
      peakRssMb:
        Math.max(0, ...inside.map((s) => s.rssKb[i]!).filter((x) => Number.isFinite(x))) / 1024,
    }));
    return {
      processes,
      machinePercent: (100 * (b.machineMs - a.machineMs)) / wall,
      seconds: wall / 1000,
    };
  }
}
