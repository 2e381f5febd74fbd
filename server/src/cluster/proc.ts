/** Per-process CPU and memory from /proc, for the benches and the load test (Linux). */
import fs from 'node:fs';

/** Resident memory of a process in KiB (`VmRSS` of /proc/<pid>/status); NaN if it is gone. */
export function readRssKb(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) : NaN;
  } catch {
    return NaN;
  }
}

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ): 100 on every Linux port that matters. */
const USER_HZ = 100;

/** CPU time (user + system) a process has used so far, in ms; 0 if it is gone. */
export function readCpuMs(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may itself contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
    return (ticks * 1000) / USER_HZ;
  } catch {
    return 0;
  }
}

/** Busy CPU time of the whole machine so far (all cores, from /proc/stat), in ms. */
export function readMachineBusyMs(): number {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    // user nice system idle iowait irq softirq steal: everything but idle and iowait is busy.
    const t = line.split(/\s+/).slice(1, 9).map(Number);
    const busy = t[0]! + t[1]! + t[2]! + t[5]! + t[6]! + t[7]!;
    return (busy * 1000) / USER_HZ;
  } catch {
    return 0;
  }
}

/**
 * CPU time of a process and of its children, in ms: its own, its reaped children's (cutime,
 * cstime) and its live children's, so a process tree's total never drops when a child exits.
 */
export function readTreeCpuMs(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
    return (ticks * 1000) / USER_HZ + childrenOf(pid).reduce((sum, c) => sum + readCpuMs(c), 0);
  } catch {
    return 0;
  }
}

/** Pids whose parent is `pid` (from /proc/<n>/stat). */
export function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** The parent of a process, or 0 if it is gone. */
export function parentOf(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return 0;
  }
}
