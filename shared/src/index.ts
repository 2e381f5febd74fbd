export * from './errors.ts';
export * from './domain.ts';
export * from './schemas/common.ts';
export * from './schemas/booking.ts';
export * from './schemas/seats.ts';
export * from './schemas/search.ts';
export * from './rooms.ts';
