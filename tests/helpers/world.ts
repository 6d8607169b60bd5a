/** The sandbox's seed world (src/backends/sandbox/world.ts), as the tests name it. */
export const SELF = 10000; // the bot, nickname 'MahBot'
export const ALICE = 10001; // friend (category 1, remark 'alice'); admin of LOBBY (card 'Alice (admin)', title 'Veteran') and of QUIET; member of CHATTER
export const BOB = 10002; // friend (category 0, no remark); member of LOBBY; owner of CHATTER (card 'Boss Bob')
export const CAROL = 10003; // friend; muted member of CHATTER; owner of QUIET
export const DAVE = 10004; // not a friend; member of LOBBY (card 'Dave')
export const EVE = 10005; // not a friend; member of QUIET
export const LOBBY = 20001; // the bot is owner
export const CHATTER = 20002; // the bot is admin
export const QUIET = 20003; // the bot is a plain member

/** A real 1×1 PNG. */
export const PNG_B64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
