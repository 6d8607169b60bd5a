/** The sandbox's account side: profile, friends, system actions, and the account control ops. */
import type { ControlOp, Handler } from '../context';
import { PROFILE_HANDLERS } from './account-profile';
import { FRIEND_HANDLERS } from './account-friends';
import { SYSTEM_HANDLERS } from './account-system';
import { ACCOUNT_CONTROL_OPS } from './account-control';

export const ACCOUNT_HANDLERS: Record<string, Handler> = { ...PROFILE_HANDLERS, ...FRIEND_HANDLERS, ...SYSTEM_HANDLERS };
export const ACCOUNT_CONTROL: Record<string, ControlOp> = ACCOUNT_CONTROL_OPS;
