import { TIMETABLE_TIME_ZONE, TRAVEL_CLASS_NAMES } from '@berth/shared';

/** ₹1,234 (or ₹1,234.50) from paise. */
export function rupees(paise: number): string {
  const whole = paise % 100 === 0;
  return (paise / 100).toLocaleString('en-IN', {
    style: 'currency',
    currency: 'INR',
    minimumFractionDigits: whole ? 0 : 2,
    maximumFractionDigits: 2,
  });
}

/** 14:05, in the stations' time zone (all of Berth's stations are in India). */
export function clockTime(iso: string): string {
  return new Date(iso).toLocaleTimeString('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    timeZone: TIMETABLE_TIME_ZONE,
  });
}

/** Mon 24 Nov */
export function shortDate(iso: string): string {
  return new Date(iso).toLocaleDateString('en-GB', {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    timeZone: TIMETABLE_TIME_ZONE,
  });
}

/** Mon 24 Nov, 14:05: a moment, such as when a booking was paid. */
export function dateAndTime(iso: string): string {
  return `${shortDate(iso)}, ${clockTime(iso)}`;
}

/** 5h 20m */
export function duration(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h === 0 ? `${m}m` : m === 0 ? `${h}h` : `${h}h ${m}m`;
}

/** The date of `now` in the stations' time zone, as YYYY-MM-DD (a run's service date). */
export function todayInIndia(now = new Date()): string {
  return now.toLocaleDateString('en-CA', { timeZone: TIMETABLE_TIME_ZONE });
}

/** "12:04:09": the time of day in the stations' time zone (a kiosk's clock). */
export function clockSeconds(ms: number): string {
  return new Date(ms).toLocaleTimeString('en-GB', { timeZone: TIMETABLE_TIME_ZONE });
}

/** "Tuesday 1 December", or "Tue" with `short`, in the stations' time zone. */
export function dayName(ms: number, length: 'long' | 'short' = 'long'): string {
  return new Date(ms).toLocaleDateString('en-GB', {
    weekday: length,
    ...(length === 'long' ? { day: 'numeric', month: 'long' } : {}),
    timeZone: TIMETABLE_TIME_ZONE,
  });
}

/** Class names as the catalog has them. */
export const CLASS_NAMES: Readonly<Record<string, string>> = TRAVEL_CLASS_NAMES;
