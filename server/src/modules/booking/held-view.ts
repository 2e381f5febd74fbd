import { seatLabel, standingLabel, type BookingView } from '@berth/shared';
import type { PreparedHold } from './hold-prepare.ts';

/** The booking a hold made, as its holder sees it. */
export function heldView(
  p: PreparedHold,
  bookingId: number,
  pnr: string,
  expiresAt: Date,
  createdAt: Date,
): BookingView {
  const { req, segment } = p;
  return {
    id: bookingId,
    pnr,
    runId: req.runId,
    trainNumber: p.route.trainNumber,
    trainName: p.route.trainName,
    serviceDate: p.route.serviceDate,
    from: {
      seq: segment.from.seq,
      code: segment.from.code,
      name: segment.from.name,
      departsAt: p.journey[0].toISOString(),
    },
    to: {
      seq: segment.to.seq,
      code: segment.to.code,
      name: segment.to.name,
      arrivesAt: p.journey[1].toISOString(),
    },
    classCode: p.classCode,
    status: 'held',
    place: 'berth',
    passengers: req.passengers.map((x, i) => {
      const s = p.seats[i]!;
      const seat = { coach: s.coach, number: s.number, berth: s.berth };
      return {
        name: x.name,
        age: x.age,
        gender: x.gender ?? null,
        berthPreference: x.berthPreference ?? null,
        standing: standingLabel('held', 'berth', seat, null),
        seat,
      };
    }),
    expiresAt: expiresAt.toISOString(),
    serverNow: new Date().toISOString(),
    farePaise: p.farePaise,
    seats: p.seats.map((s, i) => ({
      seatId: s.seatId,
      coach: s.coach,
      number: s.number,
      berth: s.berth,
      label: seatLabel(s.coach, s.number, s.berth),
      passengerName: req.passengers[i]!.name,
      passengerAge: req.passengers[i]!.age,
      berthPreference: req.passengers[i]!.berthPreference ?? null,
    })),
    refund: null,
    payment: null,
    createdAt: createdAt.toISOString(),
  };
}
