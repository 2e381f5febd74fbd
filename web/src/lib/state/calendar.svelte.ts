import type { Calendar } from '@berth/shared';
import { callApi } from '../api/http.ts';
import { todayInIndia } from '../format/format.ts';

/**
 * The server's calendar (GET /api/calendar), read once when first asked: today where the server
 * reads search dates (BERTH_TIMEZONE) and the last day bookings are open. Until it has arrived,
 * today in the stations' time zone (the server's default) and no last day.
 */
export class ServerCalendar {
  #calendar = $state.raw<Calendar | null>(null);
  #asked = false;

  get today(): string {
    this.#load();
    return this.#calendar?.today ?? todayInIndia();
  }

  /** The last service date search answers, once known. */
  get lastDay(): string | null {
    this.#load();
    return this.#calendar?.bookingWindow.last ?? null;
  }

  #load(): void {
    if (this.#asked || typeof window === 'undefined') return;
    this.#asked = true;
    void callApi('calendar', null).then((ack) => {
      if (ack.ok) this.#calendar = ack.data;
      else this.#asked = false; // ask again next time, e.g. after a network blip
    });
  }
}

/** The app's one calendar. */
export const calendar = new ServerCalendar();
