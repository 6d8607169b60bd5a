/** Shared test helpers: bounded waits, a recording WS client, the seed world, the OneBot and mirai set-ups. */
export * from './wait';
export * from './ws';
export * from './log';
export * from './http';
export * from './mirai';
export * from './onebot';
