import { TRAVEL_CLASS_NAMES } from '@berth/shared';

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
    timeZone: 'Asia/Kolkata',
  });
}

/** Mon 24 Nov */
export function shortDate(iso: string): string {
  return new Date(iso).toLocaleDateString('en-GB', {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    timeZone: 'Asia/Kolkata',
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

/** Today's date in the stations' time zone, as YYYY-MM-DD (what search expects). */
export function todayInIndia(now = new Date()): string {
  return now.toLocaleDateString('en-CA', { timeZone: 'Asia/Kolkata' });
}

/** Class names as the catalog has them. */
export const CLASS_NAMES: Readonly<Record<string, string>> = TRAVEL_CLASS_NAMES;
