/** Socket.IO room names, built in one place so server and clients cannot disagree. */
export const rooms = {
  /** Everyone watching a run's seat map. */
  run: (runId: number) => `run:${runId}`,
  /** Every device of one user. */
  user: (userId: number) => `user:${userId}`,
  admins: 'admins',
  kiosk: (stationCode: string) => `kiosk:${stationCode}`,
  demo: 'demo',
} as const;
